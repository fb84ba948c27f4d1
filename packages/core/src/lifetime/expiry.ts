import type { SandboxRecord } from '../state/record.js';

/** Whether a sandbox's TTL (`expiresAt`) has passed at `now`; a sandbox without one never expires. */
export function isExpired(record: Pick<SandboxRecord, 'expiresAt'>, now = new Date()): boolean {
  return record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime();
}

/**
 * The new expiry of a sandbox extended by `byMs`: from its current expiry when that is still ahead,
 * else from `now` (an expired sandbox, or one without a TTL, gets `byMs` from now).
 */
export function extendedExpiry(
  record: Pick<SandboxRecord, 'expiresAt'>,
  byMs: number,
  now = new Date(),
): string {
  const current = record.expiresAt === undefined ? NaN : Date.parse(record.expiresAt);
  const from = Number.isFinite(current) && current > now.getTime() ? current : now.getTime();
  return new Date(from + byMs).toISOString();
}
