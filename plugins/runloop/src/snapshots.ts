import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OWNER_KEYS, type NativeSnapshotHandle } from '@agentkernel/core';
import type { DiskSnapshotListParams } from '@runloop/api-client/resources/devboxes/disk-snapshots';
import { BACKEND, toAgentkernelError } from './errors.js';
import type { Runtime } from './runtime.js';

/** How often a snapshot in progress is polled. */
const POLL_MS = 250;

/**
 * Takes a disk snapshot of a devbox and waits until it is complete. Its creation token (metadata) lets
 * a retried request find the snapshot a lost answer had started, so no second one is taken.
 */
export async function takeSnapshot(
  runtime: Runtime,
  devboxId: string,
  name: string,
): Promise<NativeSnapshotHandle> {
  const { client } = runtime;
  const token = randomUUID();
  const doing = { action: `taking snapshot ${JSON.stringify(name)}`, sandboxId: devboxId };
  const findExisting = async (): Promise<{ id: string } | undefined> => {
    // Runloop filters by `metadata[<key>]=<value>`; the SDK's type names only the literal `metadata[key]`.
    const query = { devbox_id: devboxId, [`metadata[${OWNER_KEYS.token}]`]: token } as DiskSnapshotListParams;
    const page = await runtime.retrier.run(`looking for the snapshot of token ${token}`, 'idempotent', () =>
      client.devboxes.diskSnapshots.list(query),
    );
    return page.snapshots.find((snapshot) => snapshot.metadata[OWNER_KEYS.token] === token);
  };
  const started = await runtime.retrier.call(
    doing,
    'refused-only',
    () =>
      client.devboxes.snapshotDiskAsync(devboxId, {
        name,
        metadata: { [OWNER_KEYS.name]: name, [OWNER_KEYS.token]: token },
      }),
    { recover: findExisting },
  );
  // Polled here rather than with the SDK's awaitCompleted, whose only interval option also prints a
  // deprecation warning on the console.
  for (;;) {
    const status = await runtime.retrier.call(
      { ...doing, action: `asking for snapshot ${started.id}` },
      'idempotent',
      () => client.devboxes.diskSnapshots.queryStatus(started.id),
    );
    if (status.status === 'complete') break;
    if (status.status !== 'in_progress') {
      const detail = status.error_message ?? `it ended as ${status.status}`;
      throw toAgentkernelError(new Error(`snapshot ${started.id} failed: ${detail}`), doing);
    }
    await sleep(POLL_MS);
  }
  return { backend: BACKEND, id: started.id, metadata: { name, devboxId } };
}
