import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  applyFault,
  listen as listenFake,
  sendReply,
  type FakeListener,
  type FaultInjector,
} from '@agentkernel/fake-kit';
import { createContextValues } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { loadEnvdDescriptors } from './descriptors.js';
import { proxiedSandbox } from './edge.js';
import { refusal } from './envd-auth.js';
import { SANDBOX_KEY } from './envd-context.js';
import { handleEnvdHttp } from './envd-files.js';
import { registerFilesystemService } from './envd-filesystem.js';
import { registerProcessService } from './envd-process.js';
import { errorReply } from './replies.js';
import { restRoutes } from './rest.js';
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
    if (deps.latencyMs > 0) await sleep(deps.latencyMs);
    const answered = await applyFault(fault, req, res, (out, status, message, headers) =>
      sendReply(out, errorReply(status, message, { ...headers })),
    );
    if (answered) return;

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
    const route = restRoutes.route(method, url.pathname);
    if (route.handler === undefined) {
      sendReply(
        res,
        route.allowed.length === 0
          ? errorReply(404, `no route for ${method} ${url.pathname}`)
          : errorReply(405, `${method} is not allowed on ${url.pathname}`),
      );
      return;
    }
    const reply = await route.handler({ req, res, url, params: route.params, state: deps.state });
    if (reply !== undefined) sendReply(res, reply);
  };
}

/** Starts the HTTP server of a fake E2B on 127.0.0.1 and a free port. */
export function listen(deps: ServerDeps): Promise<FakeListener> {
  const handle = createHandler(deps);
  return listenFake((req, res) => handle(req as IncomingMessage, res as ServerResponse), {
    onError: (error) => errorReply(500, `fake E2B failed: ${(error as Error).message}`),
  });
}
