import { setTimeout as sleep } from 'node:timers/promises';
import {
  applyFault,
  FakeRouter,
  listen as listenFake,
  sendReply,
  type FakeHttpRequest,
  type FakeListener,
  type FaultInjector,
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

const protocolOf = (req: FakeHttpRequest): string =>
  req.httpVersion === '2.0' ? 'h2' : `http/${req.httpVersion}`;

/**
 * Starts the fake's server on 127.0.0.1 and a free port, speaking HTTP/2 with prior knowledge (the
 * SDK's default) and HTTP/1.1 on the same port.
 */
export function listen(deps: ServerDeps): Promise<FakeListener> {
  return listenFake(
    async (req, res) => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://fake-runloop');
      const fault = deps.faults.take(method, url.pathname);
      deps.log.push({
        method,
        path: url.pathname,
        protocol: protocolOf(req),
        ...(fault === undefined ? {} : { fault: fault.kind }),
      });
      if (deps.latencyMs > 0) await sleep(deps.latencyMs);
      const answered = await applyFault(fault, req, res, (out, status, message, headers) =>
        sendReply(out, errorReply(status, message, { ...headers })),
      );
      if (answered) return;
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${deps.apiKey}`) {
        const given = typeof auth === 'string' ? auth.replace(/^Bearer /, '') : '';
        const shown = deps.echoApiKeyInErrors && given !== '' ? ` ${given}` : '';
        sendReply(res, errorReply(401, `Invalid API key${shown}`));
        return;
      }
      const route = router.route(method, url.pathname);
      if (route.handler === undefined) {
        sendReply(
          res,
          route.allowed.length === 0
            ? errorReply(404, `no route for ${method} ${url.pathname}`)
            : errorReply(405, `${method} is not allowed on ${url.pathname}`),
        );
        return;
      }
      const reply = await route.handler({
        req,
        res,
        url,
        params: route.params,
        state: deps.state,
        blueprints: deps.blueprints,
        pageSize: deps.pageSize,
      });
      if (reply !== undefined) sendReply(res, reply);
    },
    {
      protocol: 'http1+h2c',
      onError: (error) => errorReply(500, `fake Runloop failed: ${(error as Error).message}`),
    },
  );
}
