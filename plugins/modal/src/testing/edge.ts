import type { FakeModalState } from './state.js';

const badGateway = (message: string): Response =>
  new Response(`${message}\n`, { status: 502, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/**
 * Modal's tunnel edge, reached without DNS: `url` is a tunnel URL exactly as the SDK's `Tunnel.url`
 * gives it (`https://<host>[:port]/path`). The host names the sandbox and its container port; the
 * request goes to that port on 127.0.0.1, where a server started in a sandbox with network access
 * listens (its commands share the host's network). 404 for a host that is no tunnel, 502 for a
 * finished sandbox, one without network (its servers are out of reach here), or a closed port.
 */
export async function routeTunnel(state: FakeModalState, url: string, init?: RequestInit): Promise<Response> {
  const target = new URL(url);
  const tunnel = state.tunnelHosts.get(target.hostname);
  if (tunnel === undefined) return new Response(`no tunnel at ${target.hostname}\n`, { status: 404 });
  const sandbox = await state.get(tunnel.sandboxId);
  if (sandbox === undefined || sandbox.result !== undefined) return badGateway('the sandbox has finished');
  if (!sandbox.network)
    return badGateway('the offline Modal cannot reach a sandbox whose network is blocked');
  try {
    return await fetch(`http://127.0.0.1:${tunnel.containerPort}${target.pathname}${target.search}`, init);
  } catch (error) {
    if (init?.signal?.aborted === true) throw error;
    return badGateway(`nothing listens on port ${tunnel.containerPort} in the sandbox`);
  }
}
