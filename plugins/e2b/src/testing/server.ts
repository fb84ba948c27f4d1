import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  admit,
  faultReplyOf,
  listen as listenFake,
  sendReply,
  type FakeListener,
  type FakeTraffic,
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

export interface ServerDeps extends FakeTraffic<FakeRequest> {
  readonly state: FakeState;
  readonly apiKey: string;
  readonly procDir: string;
  readonly echoApiKeyInErrors: boolean;
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

const faultReply = faultReplyOf(errorReply);

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
    const admitted = await admit(req, res, { ...deps, faultReply });
    if (admitted === undefined) return;
    const { url } = admitted;
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
    const reply = await restRoutes.dispatch(
      { req, res, ...admitted },
      { state: deps.state },
      { error: errorReply },
    );
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
