import { setTimeout as sleep } from 'node:timers/promises';
import {
  dropExchange,
  listenHttp,
  sendReply,
  swallowResponse,
  type FakeRequestMessage,
  type FakeResponse,
  type FaultInjector,
} from './temporary-fake-kit.js';
import type { Route } from './route.js';
import { devboxRoutes } from './routes-devboxes.js';
import { execRoutes } from './routes-exec.js';
import { fileRoutes } from './routes-files.js';
import { snapshotRoutes } from './routes-snapshots.js';
import type { FakeState } from './state.js';
import type { FakeRequest } from './types.js';
import { errorReply } from './views.js';

// Snapshot paths first: `/v1/devboxes/disk_snapshots` would otherwise read as a devbox id.
const ROUTES: readonly Route[] = [...snapshotRoutes, ...devboxRoutes, ...execRoutes, ...fileRoutes];

export interface ServerDeps {
  readonly state: FakeState;
  readonly faults: FaultInjector;
  readonly apiKey: string;
  readonly latencyMs: number;
  readonly echoApiKeyInErrors: boolean;
  readonly blueprints: ReadonlySet<string>;
  readonly pageSize: number;
  readonly log: FakeRequest[];
}

function protocolOf(req: FakeRequestMessage): string {
  return req.httpVersion === '2.0' ? 'h2' : `http/${req.httpVersion}`;
}

async function handle(deps: ServerDeps, req: FakeRequestMessage, res: FakeResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://fake-runloop');
  const fault = deps.faults.take(method, url.pathname);
  deps.log.push({
    method,
    path: url.pathname,
    protocol: protocolOf(req),
    ...(fault === undefined ? {} : { fault: fault.kind }),
  });
  const delay = deps.latencyMs + (fault?.kind === 'latency' ? (fault.delayMs ?? 0) : 0);
  if (delay > 0) await sleep(delay);
  if (fault?.kind === 'drop') {
    dropExchange(req);
    return;
  }
  if (fault?.kind === 'status') {
    const status = fault.status ?? 500;
    const headers =
      fault.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(fault.retryAfterSeconds) };
    sendReply(
      res,
      errorReply(status, status === 429 ? 'Rate limit exceeded' : 'Injected server error', headers),
    );
    return;
  }
  if (fault?.kind === 'drop-response') swallowResponse(req, res);
  const auth = req.headers.authorization;
  if (auth !== `Bearer ${deps.apiKey}`) {
    const given = typeof auth === 'string' ? auth.replace(/^Bearer /, '') : '';
    const shown = deps.echoApiKeyInErrors && given !== '' ? ` ${given}` : '';
    sendReply(res, errorReply(401, `Invalid API key${shown}`));
    return;
  }
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(url.pathname);
    if (match === null) continue;
    const reply = await route.handle({
      state: deps.state,
      req,
      res,
      url,
      params: match.slice(1).map((part) => decodeURIComponent(part)),
      blueprints: deps.blueprints,
      pageSize: deps.pageSize,
    });
    if (reply !== undefined) sendReply(res, reply);
    return;
  }
  sendReply(res, errorReply(404, `no route for ${method} ${url.pathname}`));
}

/** Starts the fake's HTTP/2-and-HTTP/1.1 server on 127.0.0.1 and a free port. */
export function listen(deps: ServerDeps): Promise<{ url: string; close(): Promise<void> }> {
  return listenHttp((req, res) => handle(deps, req, res));
}
