import {
  FakeRouter,
  onRecord,
  readJsonObject,
  stringRecord,
  type FakeHttpRequest,
  type Reply,
  type RouteRequest,
} from '@agentkernel/fake-kit';
import { errorReply } from './replies.js';
import { FAKE_ENVD_VERSION, type FakeSandbox, type FakeSnapshot, type FakeState } from './state.js';
import { listQuery, pageOf } from './rest-list.js';

const DEFAULT_TIMEOUT_SECONDS = 300;

function notFound(sandboxID: string): Reply {
  return errorReply(404, `sandbox "${sandboxID}" doesn't exist or you don't have access to it`);
}

/** The fields every sandbox body starts with. */
function identityOf(sandbox: FakeSandbox): Record<string, unknown> {
  return {
    sandboxID: sandbox.sandboxID,
    templateID: sandbox.templateID,
    ...(sandbox.alias === undefined ? {} : { alias: sandbox.alias }),
    clientID: sandbox.clientID,
  };
}

/** The `Sandbox` body E2B returns from create and connect. */
function sandboxBody(sandbox: FakeSandbox): Record<string, unknown> {
  return {
    ...identityOf(sandbox),
    envdVersion: FAKE_ENVD_VERSION,
    envdAccessToken: sandbox.envdAccessToken,
    trafficAccessToken: null,
    domain: null,
  };
}

/** The `ListedSandbox` body. */
function listedBody(sandbox: FakeSandbox): Record<string, unknown> {
  return {
    ...identityOf(sandbox),
    cpuCount: sandbox.cpuCount,
    memoryMB: sandbox.memoryMB,
    diskSizeMB: 1024,
    envdVersion: FAKE_ENVD_VERSION,
    metadata: sandbox.metadata,
    startedAt: sandbox.startedAt.toISOString(),
    endAt: sandbox.endAt.toISOString(),
    state: sandbox.state,
    volumeMounts: [],
  };
}

/** The `SandboxDetail` body. */
function detailBody(sandbox: FakeSandbox): Record<string, unknown> {
  return {
    ...listedBody(sandbox),
    envdAccessToken: sandbox.envdAccessToken,
    allowInternetAccess: sandbox.allowInternetAccess,
    domain: null,
    lifecycle: { onTimeout: sandbox.autoPause ? 'pause' : 'kill', autoResume: sandbox.autoResume },
  };
}

function snapshotBody(snapshot: FakeSnapshot): Record<string, unknown> {
  return { snapshotID: snapshot.snapshotID, names: snapshot.names };
}

function timeoutOf(body: Record<string, unknown>, fallback: number): number | undefined {
  const value = body.timeout ?? fallback;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

async function createSandbox(state: FakeState, req: FakeHttpRequest): Promise<Reply> {
  const body = await readJsonObject(req);
  if (body === undefined) return errorReply(400, 'request body must be a JSON object');
  const templateID = body.templateID;
  if (typeof templateID !== 'string' || templateID === '') return errorReply(400, 'templateID is required');
  if (!state.knowsTemplate(templateID)) return errorReply(404, `template '${templateID}' not found`);
  const metadata = stringRecord(body.metadata);
  const envVars = stringRecord(body.envVars);
  const timeoutSeconds = timeoutOf(body, DEFAULT_TIMEOUT_SECONDS);
  if (metadata === undefined) return errorReply(400, 'metadata must map strings to strings');
  if (envVars === undefined) return errorReply(400, 'envVars must map strings to strings');
  if (timeoutSeconds === undefined)
    return errorReply(400, 'timeout must be a non-negative integer (seconds)');
  const autoPause = body.autoPause === true;
  const autoResume = (body.autoResume as { enabled?: unknown } | undefined)?.enabled === true;
  if (autoResume && !autoPause) return errorReply(400, 'autoResume requires autoPause');
  const sandbox = await state.create({
    templateID,
    metadata,
    envVars,
    timeoutSeconds,
    allowInternetAccess: body.allow_internet_access !== false,
    autoPause,
    autoResume,
  });
  return { status: 201, body: sandboxBody(sandbox) };
}

async function connectSandbox(state: FakeState, sandboxID: string, req: FakeHttpRequest): Promise<Reply> {
  const body = await readJsonObject(req);
  if (body === undefined) return errorReply(400, 'request body must be a JSON object');
  const sandbox = await state.get(sandboxID);
  if (sandbox === undefined) return notFound(sandboxID);
  const timeoutSeconds = timeoutOf(body, DEFAULT_TIMEOUT_SECONDS);
  if (timeoutSeconds === undefined)
    return errorReply(400, 'timeout must be a non-negative integer (seconds)');
  if (sandbox.state === 'paused') {
    state.resume(sandbox, timeoutSeconds);
    return { status: 201, body: sandboxBody(sandbox) };
  }
  // A running sandbox's timeout only ever grows on connect.
  const requestedEnd = Date.now() + timeoutSeconds * 1000;
  if (requestedEnd > sandbox.endAt.getTime()) state.setTimeout(sandbox, timeoutSeconds);
  return { status: 200, body: sandboxBody(sandbox) };
}

async function snapshotSandbox(state: FakeState, sandbox: FakeSandbox, req: FakeHttpRequest): Promise<Reply> {
  const body = await readJsonObject(req);
  if (body === undefined) return errorReply(400, 'request body must be a JSON object');
  const name = body.name;
  if (name !== undefined && (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(name))) {
    return errorReply(400, 'snapshot name must be lower-case letters, digits, dots, dashes and underscores');
  }
  const snapshot = await state.snapshot(sandbox, name);
  return { status: 201, body: snapshotBody(snapshot) };
}

/** What every control-plane route gets besides the request. */
interface RestExtra {
  readonly state: FakeState;
}
type RestRequest = RouteRequest & RestExtra;

async function listSandboxes({ state, url }: RestRequest): Promise<Reply> {
  const query = listQuery(url);
  if (typeof query === 'string') return errorReply(400, query);
  const page = pageOf(await state.all(), query);
  return {
    status: 200,
    body: page.items.map(listedBody),
    headers: page.nextToken === undefined ? {} : { 'x-next-token': page.nextToken },
  };
}

function listSnapshots({ state, url }: RestRequest): Reply {
  const sandboxID = url.searchParams.get('sandboxID');
  const name = url.searchParams.get('name');
  const snapshots = [...state.snapshots.values()].filter(
    (snapshot) =>
      (sandboxID === null || snapshot.sandboxID === sandboxID) &&
      (name === null || state.findSnapshot(name) === snapshot),
  );
  return { status: 200, body: snapshots.map(snapshotBody) };
}

async function deleteTemplate({ state, params }: RestRequest): Promise<Reply> {
  const snapshot = state.findSnapshot(params.id ?? '');
  if (snapshot === undefined) return errorReply(404, `template '${params.id}' not found`);
  await state.deleteSnapshot(snapshot);
  return { status: 204 };
}

/** A route on one existing sandbox (`/sandboxes/:id/...`): a missing one answers 404. */
const onSandbox = onRecord<RestExtra, FakeSandbox>((id, { state }) => state.get(id), notFound);

async function setTimeoutOf(sandbox: FakeSandbox, { state, req }: RestRequest): Promise<Reply> {
  const body = await readJsonObject(req);
  const seconds = body?.timeout ?? body?.duration;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
    return errorReply(400, 'timeout must be a non-negative integer (seconds)');
  }
  state.setTimeout(sandbox, seconds);
  return { status: 204 };
}

/** E2B's control-plane REST API, as the pinned SDK calls it. */
export const restRoutes = new FakeRouter<RestExtra>()
  .on('POST', '/v2/sandboxes', ({ state, req }) => createSandbox(state, req))
  .on('POST', '/sandboxes', ({ state, req }) => createSandbox(state, req))
  .on('GET', '/v2/sandboxes', listSandboxes)
  .on('GET', '/sandboxes', listSandboxes)
  .on('GET', '/snapshots', listSnapshots)
  .on('DELETE', '/templates/:id', deleteTemplate)
  .on('POST', '/v2/sandboxes/:id/connect', ({ state, params, req }) =>
    connectSandbox(state, params.id ?? '', req),
  )
  .on(
    'GET',
    '/sandboxes/:id',
    onSandbox((sandbox) => ({ status: 200, body: detailBody(sandbox) })),
  )
  .on(
    'DELETE',
    '/sandboxes/:id',
    onSandbox(async (sandbox, { state }) => {
      await state.kill(sandbox);
      return { status: 204 };
    }),
  )
  .on(
    'POST',
    '/sandboxes/:id/pause',
    onSandbox(async (sandbox, { state }) => {
      if (sandbox.state === 'paused')
        return errorReply(409, `sandbox "${sandbox.sandboxID}" is already paused`);
      await state.pause(sandbox);
      return { status: 204 };
    }),
  )
  .on(
    'POST',
    '/sandboxes/:id/resume',
    onSandbox((sandbox, { state, req }) =>
      sandbox.state === 'running'
        ? errorReply(409, `sandbox "${sandbox.sandboxID}" is already running`)
        : connectSandbox(state, sandbox.sandboxID, req),
    ),
  )
  .on('POST', '/sandboxes/:id/timeout', onSandbox(setTimeoutOf))
  .on('POST', '/sandboxes/:id/refreshes', onSandbox(setTimeoutOf))
  .on(
    'POST',
    '/sandboxes/:id/snapshots',
    onSandbox((sandbox, { state, req }) => snapshotSandbox(state, sandbox, req)),
  )
  .on(
    'GET',
    '/sandboxes/:id/metrics',
    onSandbox(() => ({ status: 200, body: [] })),
  );
