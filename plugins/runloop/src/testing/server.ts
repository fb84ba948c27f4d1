import {
  admit,
  FakeRouter,
  faultReplyOf,
  listen as listenFake,
  sendReply,
  type FakeHttpRequest,
  type FakeListener,
  type FakeTraffic,
} from '@agentkernel/fake-kit';
import type { FakeContext } from './route.js';
import { devboxRoutes } from './routes-devboxes.js';
import { execRoutes } from './routes-exec.js';
import { fileRoutes } from './routes-files.js';
import { snapshotRoutes } from './routes-snapshots.js';
import type { FakeState } from './state.js';
import type { FakeRequest } from './types.js';
import { errorReply } from './views.js';

const router = new FakeRouter<FakeContext>();
devboxRoutes(router);
execRoutes(router);
fileRoutes(router);
snapshotRoutes(router);

export interface ServerDeps extends FakeTraffic<FakeRequest> {
  readonly state: FakeState;
  readonly apiKey: string;
  readonly echoApiKeyInErrors: boolean;
  readonly blueprints: ReadonlySet<string>;
  readonly pageSize: number;
}

const faultReply = faultReplyOf(errorReply);

const protocolOf = (req: FakeHttpRequest): string =>
  req.httpVersion === '2.0' ? 'h2' : `http/${req.httpVersion}`;

/**
 * Starts the fake's server on 127.0.0.1 and a free port, speaking HTTP/2 with prior knowledge (the
 * SDK's default) and HTTP/1.1 on the same port.
 */
export function listen(deps: ServerDeps): Promise<FakeListener> {
  const context: FakeContext = { state: deps.state, blueprints: deps.blueprints, pageSize: deps.pageSize };
  return listenFake(
    async (req, res) => {
      const admitted = await admit(req, res, {
        ...deps,
        details: (one) => ({ protocol: protocolOf(one) }),
        faultReply,
      });
      if (admitted === undefined) return;
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${deps.apiKey}`) {
        const given = typeof auth === 'string' ? auth.replace(/^Bearer /, '') : '';
        const shown = deps.echoApiKeyInErrors && given !== '' ? ` ${given}` : '';
        sendReply(res, errorReply(401, `Invalid API key${shown}`));
        return;
      }
      const reply = await router.dispatch({ req, res, ...admitted }, context, { error: errorReply });
      if (reply !== undefined) sendReply(res, reply);
    },
    {
      protocol: 'http1+h2c',
      onError: (error) => errorReply(500, `fake Runloop failed: ${(error as Error).message}`),
    },
  );
}
