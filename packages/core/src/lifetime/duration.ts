import { UsageError } from '../errors/errors.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest lifetime accepted: a year, far beyond any provider's and safe in a `Date`. */
export const MAX_DURATION_MS = 365 * UNIT_MS.d;

const WHOLE = /^(?:\d+[smhd])+$/;
const PART = /(\d+)([smhd])/g;

/**
 * Parses a duration as agentkernel writes them: a number and a unit (`90s`, `30m`, `1h`, `2d`), or
 * several in a row (`1h30m`). `0` alone is zero. `where` names the flag or key for the error
 * (`--ttl`; empty when the caller places the error itself), which quotes the bad value and says what is accepted.
 */
export function parseDuration(text: string, where: string): number {
  const value = text.trim().toLowerCase();
  const shown = `${where === '' ? '' : `${where} `}${JSON.stringify(text)}`;
  if (value === '0') return 0;
  if (!WHOLE.test(value)) {
    throw new UsageError(`${shown}: write a duration such as 90s, 30m, 1h, 2d or 1h30m`);
  }
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART))
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (total > MAX_DURATION_MS) throw new UsageError(`${shown}: at most 365d`);
  return total;
}

/** A duration in the largest units that divide it: 5400000 -> `1h30m`; under a second -> `0s`. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.floor(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length === 0 ? '0s' : parts.join('');
}
