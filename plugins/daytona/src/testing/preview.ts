import { request } from 'node:http';
import type { FakeHttpRequest, FakeHttpResponse, Reply } from '@agentkernel/fake-kit';
import { apiError } from './replies.js';
import type { FakeSandbox, FakeState } from './state.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host']);

/**
 * Daytona's preview proxy: `/preview/<sandboxId>/<port>/...` (the token in `x-daytona-preview-token`
 * unless the sandbox is public) or `/preview/signed/<token>/...`, forwarded to the port on 127.0.0.1,
 * where a server in a sandbox with network access listens. A sandbox without network keeps its own
 * loopback, which the fake cannot reach: 502, as for a port nothing listens on.
 */
export function previewTarget(
  state: FakeState,
  req: FakeHttpRequest,
  segments: readonly string[],
): { sandbox: FakeSandbox; port: number; path: string } | Reply {
  if (segments[0] === 'signed') {
    const found = segments[1] === undefined ? undefined : state.signedPreview(segments[1]);
    if (found === undefined) return apiError(401, 'invalid or expired signed preview token');
    return { ...found, path: `/${segments.slice(2).join('/')}` };
  }
  const [id, port, ...rest] = segments;
  const sandbox = id === undefined ? undefined : state.sandboxes.get(id);
  if (sandbox === undefined || port === undefined || !/^\d+$/.test(port))
    return apiError(404, 'no such sandbox port');
  if (!sandbox.public && req.headers['x-daytona-preview-token'] !== sandbox.previewToken) {
    return apiError(401, 'this sandbox is private: send its preview token in x-daytona-preview-token');
  }
  return { sandbox, port: Number(port), path: `/${rest.join('/')}` };
}

export function proxyPreview(
  target: { sandbox: FakeSandbox; port: number; path: string },
  req: FakeHttpRequest,
  res: FakeHttpResponse,
  search: string,
  fail: (reply: Reply) => void,
): void {
  if (target.sandbox.state !== 'started' || target.sandbox.networkBlockAll) {
    fail(apiError(502, `sandbox ${target.sandbox.id} port ${target.port} is not reachable`));
    return;
  }
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
  const upstream = request(
    { host: '127.0.0.1', port: target.port, path: `${target.path}${search}`, method: req.method, headers },
    (answer) => {
      res.statusCode = answer.statusCode ?? 502;
      for (const [name, value] of Object.entries(answer.headers))
        if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else fail(apiError(502, `nothing answers on port ${target.port} of sandbox ${target.sandbox.id}`));
  });
  req.pipe(upstream);
}
