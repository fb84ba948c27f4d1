import { randomBytes } from 'node:crypto';

const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random id of `length` characters from `alphabet` (lower-case letters and digits by default), the
 * shape most providers give sandbox, template and snapshot ids.
 */
export function randomId(length = 20, alphabet = LOWER_ALPHANUMERIC): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** A random secret token (hex) of `bytes` random bytes. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * A seeded pseudo-random generator (mulberry32) returning numbers in [0, 1): a fault matrix that draws
 * its faults from one can be replayed exactly from its seed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
