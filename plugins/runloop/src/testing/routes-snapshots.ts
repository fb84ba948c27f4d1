import { readJsonObject, stringRecord, type FakeRouter, type Reply } from '@agentkernel/fake-kit';
import { devboxOf, isReply, type FakeContext, type RouteContext } from './route.js';
import type { FakeDiskSnapshot } from './state.js';
import { errorReply, pageOf, snapshotView } from './views.js';

async function takeSnapshot(context: RouteContext, wait: boolean): Promise<Reply> {
  const devbox = devboxOf(context);
  if (isReply(devbox)) return devbox;
  if (devbox.status !== 'running' && devbox.status !== 'suspended')
    return errorReply(400, `Devbox ${devbox.id} cannot be snapshotted while ${devbox.status}`);
  const body = await readJsonObject(context.req);
  const metadata = stringRecord(body?.metadata);
  if (body === undefined || metadata === undefined)
    return errorReply(400, 'metadata must map strings to strings');
  const name = typeof body.name === 'string' ? body.name : null;
  const snapshot = await context.state.snapshot(devbox, name, metadata);
  if (wait) snapshot.status = 'complete';
  return { status: 200, body: snapshotView(snapshot) };
}

function snapshotOf(context: RouteContext): FakeDiskSnapshot | Reply {
  const id = context.params.snapshot ?? '';
  return context.state.snapshots.get(id) ?? errorReply(404, `Snapshot ${id} not found`);
}

const isSnapshot = (value: FakeDiskSnapshot | Reply): value is FakeDiskSnapshot => 'root' in value;

/** `GET /v1/devboxes/disk_snapshots`, filtered by `devbox_id` and `metadata[<key>]=<value>`. */
function listSnapshots(context: RouteContext): Reply {
  const query = context.url.searchParams;
  const devboxId = query.get('devbox_id');
  const wanted: [string, string][] = [];
  for (const [key, value] of query) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match?.[1] !== undefined) wanted.push([match[1], value]);
  }
  const all = [...context.state.snapshots.values()]
    .filter(
      (snapshot) =>
        (devboxId === null || snapshot.sourceDevboxId === devboxId) &&
        wanted.every(([key, value]) => snapshot.metadata[key] === value),
    )
    .reverse();
  const page = pageOf(all, query, context.pageSize);
  if (typeof page === 'string') return errorReply(400, page);
  return {
    status: 200,
    body: { snapshots: page.items.map(snapshotView), has_more: page.hasMore, total_count: all.length },
  };
}

/** Disk snapshots: take (async, or waiting), status, list, delete. */
export function snapshotRoutes(router: FakeRouter<FakeContext>): void {
  router
    .on('GET', '/v1/devboxes/disk_snapshots', listSnapshots)
    .on('GET', '/v1/devboxes/disk_snapshots/:snapshot/status', (c) => {
      const snapshot = snapshotOf(c);
      if (!isSnapshot(snapshot)) return snapshot;
      return {
        status: 200,
        body: { status: snapshot.status, error_message: null, snapshot: snapshotView(snapshot) },
      };
    })
    .on('POST', '/v1/devboxes/disk_snapshots/:snapshot/delete', async (c) => {
      const snapshot = snapshotOf(c);
      if (!isSnapshot(snapshot)) return snapshot;
      await c.state.deleteSnapshot(snapshot);
      return { status: 200, body: {} };
    })
    .on('POST', '/v1/devboxes/:id/snapshot_disk_async', (c) => takeSnapshot(c, false))
    .on('POST', '/v1/devboxes/:id/snapshot_disk', (c) => takeSnapshot(c, true));
}
