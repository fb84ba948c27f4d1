/**
 * Daytona's `ttlMinutes` for a TTL ending at `expiresAt`: whole minutes from now, rounded up so Daytona
 * never destroys the sandbox before agentkernel's expiry (at most a minute after it), and at least 1
 * (0 would mean no TTL at all).
 */
export function ttlMinutesUntil(expiresAt: string, now = Date.now()): number {
  return Math.max(1, Math.ceil((Date.parse(expiresAt) - now) / 60_000));
}
