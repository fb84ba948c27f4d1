import {
  FakeRouter,
  onRecord,
  readJsonObject,
  type FakeHttpRequest,
  type Reply,
  type RouteRequest,
} from '@agentkernel/fake-kit';
import { apiError } from './replies.js';
import { sandboxDto, snapshotDto } from './dto.js';
import type { FakeSandbox, FakeSnapshot, FakeState } from './state.js';

/** What every control-plane route gets besides the request. */
export interface RestContext {
  readonly state: FakeState;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly toolboxUrl: string;
}

const strings = (value: unknown): Record<string, string> =>
  typeof value === 'object' && value !== null
    ? Object.fromEntries(
        Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      )
    : {};

const positive = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;

const imageOf = (buildInfo: unknown): string | undefined => {
  const dockerfile = (buildInfo as { dockerfileContent?: unknown } | undefined)?.dockerfileContent;
  return typeof dockerfile === 'string' ? /^FROM\s+(\S+)/m.exec(dockerfile)?.[1] : undefined;
};

async function create(context: RestContext, req: FakeHttpRequest): Promise<Reply> {
  const body = await readJsonObject(req);
  if (body === undefined) return apiError(400, 'the request body must be a JSON object');
  const { state } = context;
  const name = typeof body.name === 'string' && body.name !== '' ? body.name : undefined;
  if (name !== undefined && state.find(name) !== undefined)
    return apiError(409, `Sandbox with name ${name} already exists`);
  const snapshotName = typeof body.snapshot === 'string' && body.snapshot !== '' ? body.snapshot : undefined;
  const snapshot = snapshotName === undefined ? undefined : state.findSnapshot(snapshotName);
  if (snapshotName !== undefined && snapshot === undefined && !context.state.knownImages.has(snapshotName))
    return apiError(404, `Snapshot ${snapshotName} not found. Did you add it through the Daytona Dashboard?`);
  if (snapshot !== undefined && snapshot.state !== 'active')
    return apiError(400, `Snapshot ${snapshot.name} is ${snapshot.state}, not active`);
  const stop = body.autoStopInterval;
  const ttl = body.ttlMinutes;
  if (ttl !== undefined && !isMinutes(ttl)) return apiError(400, 'ttlMinutes must be a non-negative integer');
  const sandbox = await state.create({
    name,
    snapshot,
    snapshotName,
    image: imageOf(body.buildInfo),
    env: strings(body.env),
    labels: strings(body.labels),
    public: body.public === true,
    networkBlockAll: body.networkBlockAll === true,
    cpu: positive(body.cpu, snapshot?.cpu ?? 1),
    memory: positive(body.memory, snapshot?.mem ?? 1),
    disk: positive(body.disk, snapshot?.disk ?? 3),
    autoStopInterval: typeof stop === 'number' && Number.isInteger(stop) && stop >= 0 ? stop : 15,
    ...(isMinutes(ttl) ? { ttlMinutes: ttl } : {}),
    target: typeof body.target === 'string' && body.target !== '' ? body.target : 'us',
  });
  return { status: 200, body: sandboxDto(sandbox, context.toolboxUrl) };
}

function list(context: RestContext, url: URL): Reply {
  let wanted: Record<string, string> = {};
  const labels = url.searchParams.get('labels');
  if (labels !== null) {
    try {
      wanted = strings(JSON.parse(labels));
    } catch {
      return apiError(400, 'labels must be a JSON object');
    }
  }
  const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1), 200);
  const start = Number(url.searchParams.get('cursor') ?? 0) || 0;
  const matching = [...context.state.sandboxes.values()].filter((sandbox) =>
    Object.entries(wanted).every(([key, value]) => sandbox.labels[key] === value),
  );
  const page = matching.slice(start, start + limit);
  const next = start + limit < matching.length ? String(start + limit) : null;
  return {
    status: 200,
    body: { items: page.map((s) => sandboxDto(s, context.toolboxUrl)), nextCursor: next },
  };
}

type Request = RouteRequest & RestContext;

const isMinutes = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** A handler of `/sandbox/:id...`: the sandbox found by id or name, or Daytona's 404. */
const onSandbox = onRecord<RestContext, FakeSandbox>(
  (id, { state }) => state.find(id),
  (id) => apiError(404, `Sandbox with ID or name ${id} not found`),
);

const dto = (sandbox: FakeSandbox, { toolboxUrl }: Request): Reply => ({
  status: 200,
  body: sandboxDto(sandbox, toolboxUrl),
});

/** A handler of `/sandbox/:id/ports/:port/...`: the sandbox and a valid port, or Daytona's 400. */
const onPort = (handler: (sandbox: FakeSandbox, port: number, request: Request) => Reply) =>
  onSandbox((sandbox, request) => {
    const port = Number(request.params.port);
    return Number.isInteger(port) && port >= 1 && port <= 65_535
      ? handler(sandbox, port, request)
      : apiError(400, `invalid port ${request.params.port ?? ''}`);
  });

async function snapshot(sandbox: FakeSandbox, request: Request): Promise<Reply> {
  const { state, toolboxUrl } = request;
  const name = (await readJsonObject(request.req))?.name;
  if (typeof name !== 'string' || name === '') return apiError(400, 'name is required');
  if (state.findSnapshot(name) !== undefined)
    return apiError(409, `Snapshot with name "${name}" already exists`);
  if (sandbox.state !== 'started') return apiError(400, `Sandbox is not started (state: ${sandbox.state})`);
  // Answered while the copy runs: the SDK polls the sandbox until it leaves `snapshotting`.
  state.snapshot(sandbox, name).catch(() => undefined);
  return { status: 200, body: { ...sandboxDto(sandbox, toolboxUrl), state: 'snapshotting' } };
}

function listSnapshots({ state, url }: Request): Reply {
  const name = url.searchParams.get('name');
  const source = url.searchParams.get('sourceSandboxId');
  const all = [...state.snapshots.values()].filter(
    (one) =>
      (name === null || one.name.includes(name)) && (source === null || one.sourceSandboxId === source),
  );
  const limit = Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1);
  const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
  return {
    status: 200,
    body: {
      items: all.slice((page - 1) * limit, page * limit).map((one) => snapshotDto(one, state.organizationId)),
      total: all.length,
      page,
      totalPages: Math.max(1, Math.ceil(all.length / limit)),
    },
  };
}

const onSnapshot = onRecord<RestContext, FakeSnapshot>(
  (id, { state }) => state.findSnapshot(id),
  (id) => apiError(404, `Snapshot ${id} not found`),
);

/** Daytona's control-plane API under `/api`, as the pinned SDK calls it. */
export const restRoutes = new FakeRouter<RestContext>()
  .on('POST', '/api/sandbox', (request) => create(request, request.req))
  .on('GET', '/api/sandbox', (request) => list(request, request.url))
  .on('GET', '/api/sandbox/:id', onSandbox(dto))
  .on(
    'DELETE',
    '/api/sandbox/:id',
    onSandbox(async (sandbox, request) => {
      await request.state.destroy(sandbox);
      return { status: 200, body: { ...sandboxDto(sandbox, request.toolboxUrl), state: 'destroyed' } };
    }),
  )
  .on(
    'POST',
    '/api/sandbox/:id/start',
    onSandbox((sandbox, request) => {
      request.state.start(sandbox);
      return dto(sandbox, request);
    }),
  )
  .on(
    'POST',
    '/api/sandbox/:id/stop',
    onSandbox(async (sandbox, request) => {
      await request.state.stop(sandbox);
      return dto(sandbox, request);
    }),
  )
  .on(
    'GET',
    '/api/sandbox/:id/toolbox-proxy-url',
    onSandbox((_, { toolboxUrl }) => ({ status: 200, body: { url: toolboxUrl } })),
  )
  .on(
    'PUT',
    '/api/sandbox/:id/labels',
    onSandbox(async (sandbox, { req }) => {
      sandbox.labels = strings((await readJsonObject(req))?.labels);
      return { status: 200, body: { labels: sandbox.labels } };
    }),
  )
  .on('POST', '/api/sandbox/:id/snapshot', onSandbox(snapshot))
  .on(
    'POST',
    '/api/sandbox/:id/ttl/:minutes',
    onSandbox((sandbox, request) => {
      const text = request.params.minutes ?? '';
      const minutes = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
      if (!isMinutes(minutes)) return apiError(400, 'ttlMinutes must be a non-negative integer');
      request.state.setTtl(sandbox, minutes);
      return { status: 200, body: {} };
    }),
  )
  .on(
    'GET',
    '/api/sandbox/:id/ports/:port/preview-url',
    onPort((sandbox, port, { origin }) => ({
      status: 200,
      body: {
        sandboxId: sandbox.id,
        url: `${origin}/preview/${sandbox.id}/${port}`,
        token: sandbox.previewToken,
      },
    })),
  )
  .on(
    'GET',
    '/api/sandbox/:id/ports/:port/signed-preview-url',
    onPort((sandbox, port, request) => {
      const seconds = Number(request.url.searchParams.get('expiresInSeconds') ?? 60) || 60;
      const token = request.state.signPreview(sandbox, port, seconds);
      return {
        status: 200,
        body: { sandboxId: sandbox.id, port, token, url: `${request.origin}/preview/signed/${token}` },
      };
    }),
  )
  .on('GET', '/api/snapshots', listSnapshots)
  .on(
    'GET',
    '/api/snapshots/:id',
    onSnapshot((found, { state }) => ({ status: 200, body: snapshotDto(found, state.organizationId) })),
  )
  .on(
    'DELETE',
    '/api/snapshots/:id',
    onSnapshot(async (found, { state }) => {
      await state.deleteSnapshot(found);
      return { status: 200 };
    }),
  );
