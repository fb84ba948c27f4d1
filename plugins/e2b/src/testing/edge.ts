import type { Reply } from '@agentkernel/fake-kit';
import type { FakeSandbox, FakeState } from './state.js';

const RESUME_TIMEOUT_SECONDS = 300;
const MAX_PORT = 65_535;

/**
 * Finds the sandbox a proxied request is for, as E2B's edge does for envd and sandbox-port traffic
 * alike: an unknown (or killed) sandbox answers 502, a paused one resumes when it allows auto-resume
 * and answers 502 otherwise.
 */
export async function proxiedSandbox(state: FakeState, sandboxID: string): Promise<FakeSandbox | Reply> {
  const sandbox = await state.get(sandboxID);
  if (sandbox === undefined || (sandbox.state === 'paused' && !sandbox.autoResume)) {
    const message = sandbox === undefined ? 'The sandbox was not found' : 'The sandbox is paused';
    return { status: 502, body: { sandboxId: sandboxID, message, code: 502 } };
  }
  if (sandbox.state === 'paused') state.resume(sandbox, RESUME_TIMEOUT_SECONDS);
  return sandbox;
}

/** A sandbox host `<port>-<sandboxId>.<domain>` read as E2B's edge reads it; a string is the 400 reason. */
export function parseSandboxHost(hostname: string): { port: number; sandboxID: string } | string {
  const dot = hostname.indexOf('.');
  // The edge only ever sees hosts under its domain, so a host without one is not a sandbox host.
  if (dot === -1) return 'Invalid host';
  const parts = hostname.slice(0, dot).split('-');
  if (parts.length < 2) return 'Invalid host';
  const [portText = '', sandboxID = ''] = parts;
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > MAX_PORT) return 'Invalid sandbox port';
  return { port, sandboxID };
}

function replyResponse(reply: Reply): Response {
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * E2B's edge for sandbox ports, reached without DNS: `url` is an endpoint URL exactly as the backend
 * gives it (`https://<port>-<sandboxId>.<domain>/path`). The host names the sandbox and port; the
 * request goes to that port on 127.0.0.1, where a server started in a sandbox with internet access
 * listens (its commands share the host's network). Errors answer as E2B's do: 400 for a host that is
 * not a sandbox host, 502 for an unknown or paused sandbox and for a port nothing listens on.
 */
export async function routeEndpoint(state: FakeState, url: string, init?: RequestInit): Promise<Response> {
  const target = new URL(url);
  const parsed = parseSandboxHost(target.hostname);
  if (typeof parsed === 'string')
    return new Response(`${parsed}\n`, {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  const sandbox = await proxiedSandbox(state, parsed.sandboxID);
  if (!('sandboxID' in sandbox)) return replyResponse(sandbox);
  if (!sandbox.allowInternetAccess) {
    // E2B routes to such a sandbox too; here its commands have a network namespace of their own, so
    // nothing outside can reach them, and 127.0.0.1:<port> would be some other program.
    return replyResponse(
      portClosed(
        sandbox,
        parsed.port,
        'The fake E2B cannot reach servers in a sandbox without internet access',
      ),
    );
  }
  const upstream = `http://127.0.0.1:${parsed.port}${target.pathname}${target.search}`;
  try {
    return await fetch(upstream, init);
  } catch (error) {
    // A caller's abort is the caller's; anything else means nothing answered on that port.
    if (init?.signal?.aborted === true) throw error;
    return replyResponse(portClosed(sandbox, parsed.port, 'The sandbox is running but port is not open'));
  }
}

function portClosed(sandbox: FakeSandbox, port: number, message: string): Reply {
  return { status: 502, body: { sandboxId: sandbox.sandboxID, message, port: String(port), code: 502 } };
}
