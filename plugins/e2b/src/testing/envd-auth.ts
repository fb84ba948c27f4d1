import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FakeSandbox } from './state.js';

/** envd paths reachable without the access token header (the file API accepts a signed URL instead). */
export const TOKEN_OPTIONAL = new Set(['GET /health', 'GET /files', 'POST /files']);

const same = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The signature of a `/files` URL, as the SDK's `downloadUrl`/`uploadUrl` and envd compute it. */
function signatureOf(
  path: string,
  operation: string,
  username: string,
  token: string,
  expiration: string | null,
): string {
  const raw = [path, operation, username, token, ...(expiration === null ? [] : [expiration])].join(':');
  return `v1_${createHash('sha256').update(raw).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Checks access to the sandbox as envd does: the `X-Access-Token` header, or, for the file API, a
 * signature in the URL. Returns the reason access is refused, or undefined.
 */
export function refusal(sandbox: FakeSandbox, req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-access-token'];
  if (typeof header === 'string' && header !== '') {
    return same(header, sandbox.envdAccessToken)
      ? undefined
      : 'access token present in header but does not match';
  }
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  if (!TOKEN_OPTIONAL.has(route))
    return 'unauthorized access, please provide a valid access token or method signing if supported';
  if (route === 'GET /health') return undefined;
  const signature = url.searchParams.get('signature');
  if (signature === null) return 'missing signature query parameter';
  const expiration = url.searchParams.get('signature_expiration');
  const operation = req.method === 'GET' ? 'read' : 'write';
  const path = url.searchParams.get('path') ?? '';
  const expected = signatureOf(
    path,
    operation,
    url.searchParams.get('username') ?? '',
    sandbox.envdAccessToken,
    expiration,
  );
  if (!same(signature, expected)) return 'invalid signature';
  if (expiration !== null && Number(expiration) < Date.now() / 1000) return 'signature is already expired';
  return undefined;
}
