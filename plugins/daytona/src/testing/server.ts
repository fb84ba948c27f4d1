import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import { streamLog } from './log-socket.js';
import {
  sendReply,
  swallowResponse,
  type FaultInjector,
  type FaultSpec,
  type Reply,
} from './pending-fake-kit.js';
import { previewTarget, proxyPreview } from './preview.js';
import { PTY_EXIT_CONTROL } from './pty.js';
import { apiError, daemonError } from './replies.js';
import { handleRest } from './rest.js';
import type { SandboxContext } from './run.js';
import type { FakeState } from './state.js';
import { handleToolbox } from './toolbox.js';
import type { FakeRequest } from './types.js';

export interface ServerDeps {
  readonly state: FakeState;
  readonly faults: FaultInjector;
  readonly apiKey: string;
  readonly procDir: string;
  readonly echoApiKeyInErrors: boolean;
  readonly log: FakeRequest[];
}

interface Routed {
  readonly method: string;
  readonly url: URL;
  readonly segments: string[];
  readonly fault: FaultSpec | undefined;
}

function route(deps: ServerDeps, req: IncomingMessage): Routed {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://fake-daytona');
  const fault = deps.faults.take(method, url.pathname);
  const organization = req.headers['x-daytona-organization-id'];
  deps.log.push({
    method,
    path: url.pathname,
    ...(fault === undefined ? {} : { fault: fault.kind }),
    ...(typeof organization === 'string' ? { organization } : {}),
  });
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  return { method, url, segments, fault };
}

function faultReply(fault: FaultSpec): Reply {
  const status = fault.status ?? 500;
  const headers =
    fault.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(fault.retryAfterSeconds) };
  return apiError(status, status === 429 ? 'Too many requests' : 'injected server error', headers);
}

function refused(deps: ServerDeps, req: IncomingMessage): Reply | undefined {
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

function createHandler(deps: ServerDeps, origin: () => string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { method, url, segments, fault } = route(deps, req);
    if (fault?.kind === 'latency') await sleep(fault.delayMs ?? 0);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      sendReply(res, faultReply(fault));
      return;
    }
    if (fault?.kind === 'drop-response') swallowResponse(req, res);
    const [area, ...rest] = segments;
    if (area === 'preview') {
      const target = previewTarget(deps.state, req, rest);
      if ('status' in target) sendReply(res, target);
      else proxyPreview(target, req, res, url.search, (reply) => sendReply(res, reply));
      return;
    }
    const denied = refused(deps, req);
    if (denied !== undefined) {
      sendReply(res, denied);
      return;
    }
    let reply: Reply | undefined;
    if (area === 'api') {
      reply = await handleRest(
        { state: deps.state, origin: origin(), toolboxUrl: `${origin()}/toolbox` },
        req,
        method,
        rest,
        url,
      );
    } else if (area === 'toolbox') {
      const [id, ...inner] = rest;
      const context = toolboxSandbox(deps, id);
      reply = 'status' in context ? context : await handleToolbox(context, req, res, method, inner, url);
      if (reply === undefined && res.headersSent) return;
    }
    sendReply(res, reply ?? apiError(404, `Cannot ${method} ${url.pathname}`));
  };
}

function rejectUpgrade(socket: Duplex, reply: Reply): void {
  const body = JSON.stringify(reply.body ?? {});
  socket.end(
    `HTTP/1.1 ${reply.status} Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function createUpgradeHandler(deps: ServerDeps) {
  const sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(PTY_EXIT_CONTROL) ? PTY_EXIT_CONTROL : false),
  });
  return async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const { url, segments, fault } = route(deps, req);
    if (fault?.kind === 'latency') await sleep(fault.delayMs ?? 0);
    if (fault?.kind === 'drop' || fault?.kind === 'drop-response') {
      socket.destroy();
      return;
    }
    if (fault?.kind === 'status') return rejectUpgrade(socket, faultReply(fault));
    const denied = refused(deps, req);
    if (denied !== undefined) return rejectUpgrade(socket, denied);
    const [area, id, process, kind, ...rest] = segments;
    if (area !== 'toolbox' || process !== 'process')
      return rejectUpgrade(socket, apiError(404, 'no WebSocket here'));
    const context = toolboxSandbox(deps, id);
    if ('status' in context) return rejectUpgrade(socket, context);
    const { sandbox } = context;
    if (kind === 'session') {
      const [sessionId, part, commandId, leaf] = rest;
      const session = sessionId === undefined ? undefined : sandbox.sessions.get(sessionId);
      const command = commandId === undefined ? undefined : session?.commands.get(commandId);
      if (part !== 'command' || leaf !== 'logs' || session === undefined || command === undefined)
        return rejectUpgrade(socket, daemonError(404, 'session or command not found'));
      sockets.handleUpgrade(req, socket, head, (ws) => {
        void streamLog(ws, session, command, url.searchParams.get('follow') === 'true');
      });
      return;
    }
    if (kind === 'pty' && rest[0] === 'create-connect') {
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
        .map((p) => p.trim())
        .filter(Boolean);
      sockets.handleUpgrade(req, socket, head, (ws) => {
        sandbox.ptys
          .attach(ws, {
            id,
            cols: size('cols', 80),
            rows: size('rows', 24),
            cwd: url.searchParams.get('cwd') ?? undefined,
            protocols,
          })
          .catch(() => ws.terminate());
      });
      return;
    }
    rejectUpgrade(socket, daemonError(404, 'no WebSocket here'));
  };
}

/** Starts the fake's HTTP server on 127.0.0.1 and a free port. */
export async function listen(deps: ServerDeps): Promise<{ server: Server; url: string }> {
  let url = '';
  const handle = createHandler(deps, () => url);
  const upgrade = createUpgradeHandler(deps);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendReply(res, apiError(500, `fake Daytona failed: ${(error as Error).message}`));
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    upgrade(req, socket, head).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return { server, url };
}
