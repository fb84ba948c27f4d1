import type { IncomingMessage } from 'node:http';
import { readJsonObject, type Reply } from './pending-fake-kit.js';
import { apiError } from './replies.js';
import { sandboxDto, snapshotDto } from './dto.js';
import type { FakeSandbox, FakeState } from './state.js';

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

async function create(context: RestContext, req: IncomingMessage): Promise<Reply> {
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
  const stop = body.autoStopInterval;
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

async function sandboxRoute(
  context: RestContext,
  sandbox: FakeSandbox,
  method: string,
  rest: readonly string[],
  req: IncomingMessage,
  url: URL,
): Promise<Reply | undefined> {
  const { state, toolboxUrl, origin } = context;
  const dto = (): Reply => ({ status: 200, body: sandboxDto(sandbox, toolboxUrl) });
  const [action, arg, leaf] = rest;
  if (action === undefined) {
    if (method === 'GET') return dto();
    if (method === 'DELETE') {
      await state.destroy(sandbox);
      return { status: 200, body: { ...sandboxDto(sandbox, toolboxUrl), state: 'destroyed' } };
    }
    return undefined;
  }
  if (method === 'POST' && action === 'start') {
    state.start(sandbox);
    return dto();
  }
  if (method === 'POST' && action === 'stop') {
    await state.stop(sandbox);
    return dto();
  }
  if (method === 'GET' && action === 'toolbox-proxy-url') return { status: 200, body: { url: toolboxUrl } };
  if (method === 'PUT' && action === 'labels') {
    const body = await readJsonObject(req);
    sandbox.labels = strings(body?.labels);
    return { status: 200, body: { labels: sandbox.labels } };
  }
  if (method === 'POST' && action === 'snapshot') {
    const name = (await readJsonObject(req))?.name;
    if (typeof name !== 'string' || name === '') return apiError(400, 'name is required');
    if (state.findSnapshot(name) !== undefined)
      return apiError(409, `Snapshot with name "${name}" already exists`);
    if (sandbox.state !== 'started') return apiError(400, `Sandbox is not started (state: ${sandbox.state})`);
    // Answered while the copy runs: the SDK polls the sandbox until it leaves `snapshotting`.
    const copying = state.snapshot(sandbox, name);
    copying.catch(() => undefined);
    return { status: 200, body: { ...sandboxDto(sandbox, toolboxUrl), state: 'snapshotting' } };
  }
  if (method === 'GET' && action === 'ports' && arg !== undefined && /^\d+$/.test(arg)) {
    const port = Number(arg);
    if (port < 1 || port > 65_535) return apiError(400, `invalid port ${arg}`);
    if (leaf === 'preview-url') {
      return {
        status: 200,
        body: {
          sandboxId: sandbox.id,
          url: `${origin}/preview/${sandbox.id}/${port}`,
          token: sandbox.previewToken,
        },
      };
    }
    if (leaf === 'signed-preview-url') {
      const token = state.signPreview(
        sandbox,
        port,
        Number(url.searchParams.get('expiresInSeconds') ?? 60) || 60,
      );
      return {
        status: 200,
        body: { sandboxId: sandbox.id, port, token, url: `${origin}/preview/signed/${token}` },
      };
    }
  }
  return undefined;
}

async function snapshotRoute(
  context: RestContext,
  method: string,
  rest: readonly string[],
  url: URL,
): Promise<Reply | undefined> {
  const { state } = context;
  const [idOrName, extra] = rest;
  if (extra !== undefined) return undefined;
  if (idOrName === undefined) {
    if (method !== 'GET') return undefined;
    const name = url.searchParams.get('name');
    const source = url.searchParams.get('sourceSandboxId');
    const all = [...state.snapshots.values()].filter(
      (snapshot) =>
        (name === null || snapshot.name.includes(name)) &&
        (source === null || snapshot.sourceSandboxId === source),
    );
    const limit = Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    return {
      status: 200,
      body: {
        items: all.slice((page - 1) * limit, page * limit).map((s) => snapshotDto(s, state.organizationId)),
        total: all.length,
        page,
        totalPages: Math.max(1, Math.ceil(all.length / limit)),
      },
    };
  }
  const snapshot = state.findSnapshot(idOrName);
  if (snapshot === undefined) return apiError(404, `Snapshot ${idOrName} not found`);
  if (method === 'GET') return { status: 200, body: snapshotDto(snapshot, state.organizationId) };
  if (method === 'DELETE') {
    await state.deleteSnapshot(snapshot);
    return { status: 200 };
  }
  return undefined;
}

/** The control-plane routes under the API base (`/api`); undefined when none matches. */
export async function handleRest(
  context: RestContext,
  req: IncomingMessage,
  method: string,
  segments: readonly string[],
  url: URL,
): Promise<Reply | undefined> {
  const [collection, id, ...rest] = segments;
  if (collection === 'sandbox') {
    if (id === undefined) {
      if (method === 'POST') return create(context, req);
      if (method === 'GET') return list(context, url);
      return undefined;
    }
    const sandbox = context.state.find(id);
    if (sandbox === undefined) return apiError(404, `Sandbox with ID or name ${id} not found`);
    return sandboxRoute(context, sandbox, method, rest, req, url);
  }
  if (collection === 'snapshots')
    return snapshotRoute(context, method, id === undefined ? [] : [id, ...rest], url);
  return undefined;
}
