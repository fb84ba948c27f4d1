import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks an `Authorization` header against the configured keys, as agentkernel does, answering with its
 * messages. Keys are compared as sha256 digests with `timingSafeEqual`, every key every time, so neither
 * a key's bytes nor its length nor which key matched shows in the timing.
 */
export function authProblem(header: string | undefined, keys: readonly string[]): string | undefined {
  if (header === undefined) return 'Missing Authorization header';
  if (!header.startsWith('Bearer ')) return 'Invalid authorization format. Use: Bearer <api_key>';
  const given = digest(header.slice('Bearer '.length));
  let matched = false;
  for (const key of keys) matched = timingSafeEqual(given, digest(key)) || matched;
  return matched ? undefined : 'Invalid API key';
}
