import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A lower-case alphanumeric id of `length` characters, shaped like E2B's sandbox and template ids. */
export function randomId(length = 20): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** A random secret token (hex). */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('hex');
}
