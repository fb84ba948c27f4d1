import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createContextValues } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { loadEnvdDescriptors } from './descriptors.js';
import { proxiedSandbox } from './edge.js';
import { refusal } from './envd-auth.js';
import { SANDBOX_KEY } from './envd-context.js';
import { handleEnvdHttp } from './envd-files.js';
import { registerFilesystemService } from './envd-filesystem.js';
import { registerProcessService } from './envd-process.js';
import type { FaultInjector } from './faults.js';
import { errorReply, sendReply, swallowResponse } from './http.js';
import { handleRest } from './rest.js';
import type { FakeSandbox, FakeState } from './state.js';
import type { FakeRequest } from './types.js';

const ENVD_PATHS = /^\/(files|health|envs|process\.Process\/|filesystem\.Filesystem\/)/;

export interface ServerDeps {
  readonly state: FakeState;
  readonly faults: FaultInjector;
  readonly apiKey: string;
  readonly latencyMs: number;
  readonly procDir: string;
  readonly echoApiKeyInErrors: boolean;
  readonly log: FakeRequest[];
}

/** The sandbox of an envd request: found as E2B's edge finds it, then envd itself checks the access token. */
async function envdSandbox(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<FakeSandbox | undefined> {
  const id = req.headers['e2b-sandbox-id'];
  const found = await proxiedSandbox(deps.state, typeof id === 'string' ? id : '');
  if (!('sandboxID' in found)) {
    sendReply(res, found);
    return undefined;
  }
  const refused = refusal(found, req, url);
  if (refused !== undefined) {
    sendReply(res, errorReply(401, refused));
    return undefined;
  }
  return found;
}

function createHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const descriptors = loadEnvdDescriptors();
  const sandboxes = new WeakMap<IncomingMessage, FakeSandbox>();
  const rpc = connectNodeAdapter({
    routes: (router) => {
      registerProcessService(router, descriptors.process, deps.procDir);
      registerFilesystemService(router, descriptors.filesystem);
    },
    contextValues: (req) => createContextValues().set(SANDBOX_KEY, sandboxes.get(req as IncomingMessage)),
  });

  return async (req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake-e2b');
    const fault = deps.faults.take(method, url.pathname);
    deps.log.push({ method, path: url.pathname, ...(fault === undefined ? {} : { fault: fault.kind }) });
    const delay = deps.latencyMs + (fault?.kind === 'latency' ? (fault.delayMs ?? 0) : 0);
    if (delay > 0) await sleep(delay);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const status = fault.status ?? 500;
      const headers =
        fault.retryAfterSeconds === undefined
          ? undefined
          : { 'retry-after': String(fault.retryAfterSeconds) };
      sendReply(
        res,
        errorReply(status, status === 429 ? 'rate limit exceeded' : 'injected server error', headers),
      );
      return;
    }
    if (fault?.kind === 'drop-response') swallowResponse(req, res);

    if (ENVD_PATHS.test(url.pathname)) {
      const sandbox = await envdSandbox(deps, req, res, url);
      if (sandbox === undefined) return;
      if (await handleEnvdHttp(sandbox, req, res, url)) return;
      sandboxes.set(req, sandbox);
      rpc(req, res);
      return;
    }
    const key = req.headers['x-api-key'];
    if (key !== deps.apiKey) {
      const shown = deps.echoApiKeyInErrors && typeof key === 'string' ? `: ${key}` : '';
      sendReply(res, errorReply(401, `Invalid API key${shown}`));
      return;
    }
    const reply = await handleRest(deps.state, req, url);
    sendReply(res, reply ?? errorReply(404, `no route for ${method} ${url.pathname}`));
  };
}

/** Starts the HTTP server of a fake on 127.0.0.1 and a free port. */
export async function listen(deps: ServerDeps): Promise<{ server: Server; url: string }> {
  const handle = createHandler(deps);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendReply(res, errorReply(500, `fake E2B failed: ${(error as Error).message}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}
