import { randomBytes } from 'node:crypto';
import { readJsonObject, stringRecord, type FakeRouter, type Reply } from '@agentkernel/fake-kit';
import { devboxOf, isReply, type FakeContext, type RouteContext } from './route.js';
import { devboxView, errorReply, pageOf } from './views.js';

const STATUSES = new Set([
  'provisioning',
  'initializing',
  'running',
  'suspending',
  'suspended',
  'resuming',
  'failure',
  'shutdown',
]);

async function createDevbox(context: RouteContext, waitForRunning: boolean): Promise<Reply> {
  const { state } = context;
  const body = await readJsonObject(context.req);
  if (body === undefined) return errorReply(400, 'request body must be a JSON object');
  const metadata = stringRecord(body.metadata);
  const env = stringRecord(body.environment_variables);
  if (metadata === undefined) return errorReply(400, 'metadata must map strings to strings');
  if (env === undefined) return errorReply(400, 'environment_variables must map strings to strings');
  const sources = ['blueprint_id', 'blueprint_name', 'snapshot_id'].filter(
    (key) => body[key] !== undefined && body[key] !== null,
  );
  if (sources.length > 1)
    return errorReply(400, 'only one of snapshot_id, blueprint_id and blueprint_name may be given');
  let blueprintId: string | null = null;
  const blueprint = body.blueprint_name ?? body.blueprint_id;
  if (typeof blueprint === 'string') {
    const name = blueprint.replace(/^bpt_/, '');
    if (!context.blueprints.has(name)) return errorReply(404, `Blueprint ${blueprint} not found`);
    blueprintId = `bpt_${name}`;
  }
  const snapshotId = body.snapshot_id;
  const snapshot = typeof snapshotId === 'string' ? state.snapshots.get(snapshotId) : undefined;
  if (typeof snapshotId === 'string' && snapshot === undefined)
    return errorReply(404, `Snapshot ${snapshotId} not found`);
  if (snapshot !== undefined && snapshot.status !== 'complete')
    return errorReply(400, `Snapshot ${snapshot.id} is not complete (status: ${snapshot.status})`);
  const launch = body.launch_parameters ?? {};
  if (typeof launch !== 'object' || launch === null || Array.isArray(launch))
    return errorReply(400, 'launch_parameters must be an object');
  const size = (launch as Record<string, unknown>).resource_size_request;
  if (size === 'CUSTOM_SIZE') {
    const { custom_cpu_cores: cpu, custom_gb_memory: memory } = launch as Record<string, unknown>;
    if (typeof cpu !== 'number' || typeof memory !== 'number' || memory < cpu * 2 || memory > cpu * 8)
      return errorReply(
        400,
        'CUSTOM_SIZE needs custom_cpu_cores and custom_gb_memory with a cpu:memory ratio from 1:2 to 1:8',
      );
  }
  const devbox = await state.create({
    name: typeof body.name === 'string' ? body.name : null,
    metadata,
    environmentVariables: env,
    launchParameters: launch as Record<string, unknown>,
    blueprintId,
    snapshot,
  });
  if (waitForRunning) await state.waitForStatus(devbox, ['running', 'failure', 'shutdown']);
  return { status: 200, body: devboxView(devbox) };
}

async function waitForStatus(context: RouteContext): Promise<Reply> {
  const devbox = devboxOf(context);
  if (isReply(devbox)) return devbox;
  const body = await readJsonObject(context.req);
  const statuses = body?.statuses;
  if (!Array.isArray(statuses) || statuses.length === 0 || !statuses.every((s) => STATUSES.has(s as string)))
    return errorReply(400, 'statuses must be a non-empty list of devbox statuses');
  if (!(await context.state.waitForStatus(devbox, statuses as string[])))
    return errorReply(408, `Devbox ${devbox.id} did not reach ${statuses.join(' or ')} in time`);
  return { status: 200, body: devboxView(devbox) };
}

function listDevboxes(context: RouteContext): Reply {
  const status = context.url.searchParams.get('status');
  const all = [...context.state.devboxes.values()]
    .filter((devbox) => status === null || devbox.status === status)
    .reverse();
  const page = pageOf(all, context.url.searchParams, context.pageSize);
  if (typeof page === 'string') return errorReply(400, page);
  return {
    status: 200,
    body: { devboxes: page.items.map(devboxView), has_more: page.hasMore, total_count: all.length },
  };
}

async function lifecycle(context: RouteContext, action: string): Promise<Reply> {
  const { state } = context;
  const devbox = devboxOf(context);
  if (isReply(devbox)) return devbox;
  const refuse = (): Reply => errorReply(400, `Devbox ${devbox.id} cannot ${action} while ${devbox.status}`);
  switch (action) {
    case 'suspend':
      if (devbox.status === 'suspending' || devbox.status === 'suspended') break;
      if (devbox.status !== 'running') return refuse();
      await state.suspend(devbox);
      break;
    case 'resume':
      if (devbox.status === 'resuming' || devbox.status === 'running') break;
      if (devbox.status !== 'suspended') return refuse();
      state.resume(devbox);
      break;
    case 'shutdown':
      if (devbox.status === 'shutdown') return refuse();
      await state.shutdown(devbox, 'api_shutdown');
      break;
    case 'keep_alive':
      if (devbox.status !== 'running') return refuse();
      return { status: 200, body: {} };
    default:
      return errorReply(404, `no route for POST ${context.url.pathname}`);
  }
  return { status: 200, body: devboxView(devbox) };
}

async function enableTunnel(context: RouteContext): Promise<Reply> {
  const devbox = devboxOf(context);
  if (isReply(devbox)) return devbox;
  const body = (await readJsonObject(context.req)) ?? {};
  if (devbox.status === 'shutdown') return errorReply(400, `Devbox ${devbox.id} is shut down`);
  if (devbox.tunnel !== undefined) return errorReply(400, `Devbox ${devbox.id} already has a tunnel`);
  const mode = body.auth_mode ?? 'open';
  if (mode !== 'open' && mode !== 'authenticated')
    return errorReply(400, 'auth_mode must be "open" or "authenticated"');
  devbox.tunnel = {
    tunnel_key: randomBytes(12).toString('hex'),
    auth_mode: mode,
    auth_token: mode === 'authenticated' ? randomBytes(16).toString('hex') : null,
    create_time_ms: Date.now(),
    http_keep_alive: body.http_keep_alive !== false,
    wake_on_http: body.wake_on_http === true,
  };
  return { status: 200, body: devbox.tunnel };
}

function removeTunnel(context: RouteContext): Reply {
  const devbox = devboxOf(context);
  if (isReply(devbox)) return devbox;
  if (devbox.tunnel === undefined) return errorReply(400, `Devbox ${devbox.id} has no tunnel`);
  devbox.tunnel = undefined;
  return { status: 200, body: {} };
}

async function updateDevbox(context: RouteContext): Promise<Reply> {
  const devbox = devboxOf(context);
  if (isReply(devbox)) return devbox;
  const body = await readJsonObject(context.req);
  const metadata = stringRecord(body?.metadata);
  if (metadata === undefined) return errorReply(400, 'metadata must map strings to strings');
  if (body?.metadata !== undefined) Object.assign(devbox, { metadata });
  return { status: 200, body: devboxView(devbox) };
}

/** Devbox lifecycle: create, get, list, wait, suspend, resume, shutdown, tunnels. */
export function devboxRoutes(router: FakeRouter<FakeContext>): void {
  router
    .on('POST', '/v1/devboxes', (c) => createDevbox(c, false))
    .on('POST', '/v1/devboxes/create_and_await_running', (c) => createDevbox(c, true))
    .on('GET', '/v1/devboxes', listDevboxes)
    .on('GET', '/v1/devboxes/:id', (c) => {
      const devbox = devboxOf(c);
      return isReply(devbox) ? devbox : { status: 200, body: devboxView(devbox) };
    })
    .on('POST', '/v1/devboxes/:id', updateDevbox)
    .on('POST', '/v1/devboxes/:id/wait_for_status', waitForStatus)
    .on('POST', '/v1/devboxes/:id/enable_tunnel', enableTunnel)
    .on('POST', '/v1/devboxes/:id/remove_tunnel', removeTunnel);
  for (const action of ['suspend', 'resume', 'shutdown', 'keep_alive'])
    router.on('POST', `/v1/devboxes/:id/${action}`, (c) => lifecycle(c, action));
}
