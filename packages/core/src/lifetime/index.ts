// Sandbox lifetimes: TTL durations and expiry (issue 16 item 5).
export { formatDuration, MAX_DURATION_MS, parseDuration } from './duration.js';
export { extendedExpiry, isExpired } from './expiry.js';
