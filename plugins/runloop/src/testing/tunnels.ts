import type { FakeState } from './state.js';

function answer(status: number, message: string): Response {
  return new Response(JSON.stringify({ message }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * Runloop's tunnel edge, reached without DNS: `url` is `https://<port>-<tunnel_key>.tunnel.<domain>/...`
 * exactly as the backend computes it. The request goes to that port on 127.0.0.1, where a server in the
 * devbox listens (a devbox without a network policy shares the host's network).
 */
export async function routeTunnel(state: FakeState, url: string, init?: RequestInit): Promise<Response> {
  const target = new URL(url);
  const match = /^(\d{1,5})-([0-9a-f]+)\.tunnel\./.exec(target.hostname);
  const port = Number(match?.[1]);
  if (match === null || port < 1 || port > 65_535)
    return answer(404, `${target.hostname} is not a tunnel host`);
  const devbox = [...state.devboxes.values()].find((box) => box.tunnel?.tunnel_key === match[2]);
  if (devbox?.tunnel === undefined) return answer(404, 'Tunnel not found');
  if (devbox.tunnel.auth_mode === 'authenticated') {
    const header = new Headers(init?.headers).get('x-runloop-tunnel-authorization');
    if (header !== `Bearer ${devbox.tunnel.auth_token}`) return answer(401, 'Tunnel authorization required');
  }
  if (devbox.status !== 'running') return answer(502, `Devbox ${devbox.id} is ${devbox.status}`);
  if (devbox.launchParameters.network_policy_id != null)
    return answer(502, 'The fake Runloop cannot reach servers in a devbox under a network policy');
  try {
    return await fetch(`http://127.0.0.1:${port}${target.pathname}${target.search}`, init);
  } catch (error) {
    if (init?.signal?.aborted === true) throw error;
    return answer(502, `Nothing listens on port ${port} of devbox ${devbox.id}`);
  }
}
