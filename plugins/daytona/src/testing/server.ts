import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  admit,
  faultReplyOf,
  intake,
  listen,
  sendReply,
  type FakeHttpRequest,
  type FakeHttpResponse,
  type FakeListener,
  type FakeRequestRecord,
  type FakeTraffic,
  type Reply,
  type RouteMisses,
} from '@agentkernel/fake-kit';
import { WebSocketServer } from 'ws';
import { streamLog } from './log-socket.js';
import { previewTarget, proxyPreview } from './preview.js';
import { PTY_EXIT_CONTROL } from './pty.js';
import { apiError, daemonError } from './replies.js';
import { restRoutes } from './rest.js';
import type { SandboxContext } from './run.js';
import type { FakeState } from './state.js';
import { toolboxRoutes } from './toolbox.js';
import type { FakeRequest } from './types.js';

export interface ServerDeps extends FakeTraffic<FakeRequest> {
  readonly state: FakeState;
  readonly apiKey: string;
  readonly procDir: string;
  readonly echoApiKeyInErrors: boolean;
}

/** What the fake records of a request besides its method, path and fault. */
function details(req: FakeHttpRequest): Omit<FakeRequest, keyof FakeRequestRecord> {
  const organization = req.headers['x-daytona-organization-id'];
  return typeof organization === 'string' ? { organization } : {};
}

const faultReply = faultReplyOf((status, message, headers) =>
  apiError(status, status === 429 ? 'Too many requests' : message, headers),
);

function refused(deps: ServerDeps, req: FakeHttpRequest): Reply | undefined {
  const header = req.headers.authorization;
  const key = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
  if (key === deps.apiKey) return undefined;
  const shown = deps.echoApiKeyInErrors && key !== undefined ? `: ${key}` : '';
  return apiError(401, `Invalid API key${shown}`);
}

/** The sandbox of a toolbox request, which must be running. */
function toolboxSandbox(deps: ServerDeps, id: string | undefined): SandboxContext | Reply {
  const sandbox = id === undefined ? undefined : deps.state.sandboxes.get(id);
  if (sandbox === undefined) return apiError(404, `Sandbox with ID ${id ?? ''} not found`);
  if (sandbox.state !== 'started')
    return daemonError(400, `sandbox ${sandbox.id} is not started (state: ${sandbox.state})`);
  return { sandbox, procDir: deps.procDir };
}

const toolboxId = (path: string): string | undefined => /^\/toolbox\/([^/]+)/.exec(path)?.[1];

const misses: RouteMisses = { error: apiError, notFound: (method, path) => `Cannot ${method} ${path}` };

function createHandler(deps: ServerDeps, origin: () => string) {
  return async (req: FakeHttpRequest, res: FakeHttpResponse): Promise<void> => {
    const admitted = await admit(req, res, { ...deps, details, faultReply });
    if (admitted === undefined) return;
    const { method, url } = admitted;
    const exchange = { req, res, ...admitted };
    if (url.pathname.startsWith('/preview/')) {
      const target = previewTarget(deps.state, req, url.pathname.split('/').slice(2).filter(Boolean));
      if ('status' in target) sendReply(res, target);
      else proxyPreview(target, req, res, url.search, (reply) => sendReply(res, reply));
      return;
    }
    const denied = refused(deps, req);
    if (denied !== undefined) {
      sendReply(res, denied);
      return;
    }
    await deps.state.destroyExpired();
    let reply: Reply | undefined;
    if (url.pathname.startsWith('/toolbox/')) {
      const context = toolboxSandbox(deps, toolboxId(url.pathname));
      reply = 'status' in context ? context : await toolboxRoutes.dispatch(exchange, context, misses);
    } else {
      const base = { state: deps.state, origin: origin(), toolboxUrl: `${origin()}/toolbox` };
      reply = await restRoutes.dispatch(exchange, base, misses);
    }
    if (reply !== undefined) sendReply(res, reply);
    else if (!res.headersSent) sendReply(res, apiError(500, `no answer to ${method} ${url.pathname}`));
  };
}

function rejectUpgrade(socket: Duplex, reply: Reply): void {
  const body = JSON.stringify(reply.body ?? {});
  socket.end(
    `HTTP/1.1 ${reply.status} Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** The WebSockets: a command's log stream and a PTY, with the same faults and auth as plain requests. */
function createUpgradeHandler(deps: ServerDeps) {
  const sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(PTY_EXIT_CONTROL) ? PTY_EXIT_CONTROL : false),
  });
  return async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const { url, fault } = await intake(req, { ...deps, details });
    if (fault?.kind === 'latency') await sleep(fault.delayMs ?? 0);
    if (fault?.kind === 'drop' || fault?.kind === 'drop-response') {
      socket.destroy();
      return;
    }
    if (fault?.kind === 'status')
      return rejectUpgrade(socket, apiError(fault.status ?? 500, 'injected server error'));
    const denied = refused(deps, req);
    if (denied !== undefined) return rejectUpgrade(socket, denied);
    const context = toolboxSandbox(deps, toolboxId(url.pathname));
    if ('status' in context) return rejectUpgrade(socket, context);
    const { sandbox } = context;
    const logs = /^\/toolbox\/[^/]+\/process\/session\/([^/]+)\/command\/([^/]+)\/logs$/.exec(url.pathname);
    if (logs !== null) {
      const session = sandbox.sessions.get(decodeURIComponent(logs[1] ?? ''));
      const command = session?.commands.get(decodeURIComponent(logs[2] ?? ''));
      if (session === undefined || command === undefined)
        return rejectUpgrade(socket, daemonError(404, 'session or command not found'));
      sockets.handleUpgrade(req, socket, head, (ws) => {
        void streamLog(ws, session, command, url.searchParams.get('follow') === 'true');
      });
      return;
    }
    if (/^\/toolbox\/[^/]+\/process\/pty\/create-connect$/.test(url.pathname)) {
      const id = url.searchParams.get('id') ?? '';
      if (!/^[A-Za-z0-9._-]{1,128}$/.test(id))
        return rejectUpgrade(socket, daemonError(400, 'invalid PTY id'));
      if (sandbox.ptys.has(id))
        return rejectUpgrade(socket, daemonError(409, `PTY session ${id} already exists`));
      const size = (name: string, fallback: number): number => {
        const value = Number(url.searchParams.get(name) ?? fallback);
        return Number.isInteger(value) && value > 0 && value < 1000 ? value : fallback;
      };
      const protocols = (req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((protocol) => protocol.trim())
        .filter(Boolean);
      const cwd = url.searchParams.get('cwd') ?? undefined;
      sockets.handleUpgrade(req, socket, head, (ws) => {
        sandbox.ptys
          .attach(ws, { id, cols: size('cols', 80), rows: size('rows', 24), cwd, protocols })
          .catch(() => ws.terminate());
      });
      return;
    }
    rejectUpgrade(socket, daemonError(404, 'no WebSocket here'));
  };
}

/** Starts the fake's HTTP server on 127.0.0.1 and a free port. */
export async function startServer(deps: ServerDeps): Promise<FakeListener> {
  let url = '';
  const listener = await listen(
    createHandler(deps, () => url),
    {
      onUpgrade: createUpgradeHandler(deps),
      onError: (error) => apiError(500, `fake Daytona failed: ${(error as Error).message}`),
    },
  );
  url = listener.url;
  return listener;
}
