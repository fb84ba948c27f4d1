import { describe, expect, it } from 'vitest';
import {
  extendedExpiry,
  formatDuration,
  formatConfigIssue,
  isExpired,
  parseConfig,
  parseDuration,
  UsageError,
} from '../../src/index.js';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours, days and runs of them', () => {
    expect(parseDuration('90s', '--ttl')).toBe(90_000);
    expect(parseDuration('30m', '--ttl')).toBe(1_800_000);
    expect(parseDuration('1h', '--ttl')).toBe(3_600_000);
    expect(parseDuration('2d', '--ttl')).toBe(172_800_000);
    expect(parseDuration('1h30m', '--ttl')).toBe(5_400_000);
    expect(parseDuration(' 2H ', '--ttl')).toBe(7_200_000);
    expect(parseDuration('0', '--ttl')).toBe(0);
  });

  it.each(['', '1', '-1h', '1.5h', 'h', '1w', '1h 30m', '1hour', '0x1h', '1e3s', '٣h'])(
    'refuses %j with an error naming the flag and the value',
    (text) => {
      let thrown: unknown;
      try {
        parseDuration(text, '--by');
      } catch (error) {
        thrown = error;
      }
      expect(UsageError.isInstance(thrown)).toBe(true);
      expect((thrown as UsageError).detail).toBe(
        `--by ${JSON.stringify(text)}: write a duration such as 90s, 30m, 1h, 2d or 1h30m`,
      );
    },
  );

  it('refuses more than a year rather than overflowing a date', () => {
    expect(() => parseDuration('366d', '--ttl')).toThrow('--ttl "366d": at most 365d');
    expect(() => parseDuration(`${'9'.repeat(30)}s`, '--ttl')).toThrow('at most 365d');
    expect(parseDuration('365d', '--ttl')).toBe(365 * 86_400_000);
  });

  it('formats back in the largest units', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(90_061_000)).toBe('1d1h1m1s');
    expect(formatDuration(999)).toBe('0s');
    expect(formatDuration(-5)).toBe('0s');
  });
});

describe('expiry', () => {
  const now = new Date('2026-01-01T12:00:00.000Z');

  it('a sandbox without a TTL never expires; one at or past its expiry has', () => {
    expect(isExpired({}, now)).toBe(false);
    expect(isExpired({ expiresAt: '2026-01-01T12:00:01.000Z' }, now)).toBe(false);
    expect(isExpired({ expiresAt: '2026-01-01T12:00:00.000Z' }, now)).toBe(true);
    expect(isExpired({ expiresAt: '2025-12-31T00:00:00.000Z' }, now)).toBe(true);
  });

  it('extends from the current expiry while it is ahead, else from now', () => {
    expect(extendedExpiry({ expiresAt: '2026-01-01T13:00:00.000Z' }, 1_800_000, now)).toBe(
      '2026-01-01T13:30:00.000Z',
    );
    expect(extendedExpiry({ expiresAt: '2026-01-01T11:00:00.000Z' }, 1_800_000, now)).toBe(
      '2026-01-01T12:30:00.000Z',
    );
    expect(extendedExpiry({}, 60_000, now)).toBe('2026-01-01T12:01:00.000Z');
  });
});

describe('[sandbox] ttl and idle_timeout', () => {
  it('are read as durations', () => {
    const { config, errors } = parseConfig(
      '[sandbox]\nttl = "2h"\nidle_timeout = "15m"\n',
      'agentkernel.toml',
    );
    expect(errors).toEqual([]);
    expect(config.sandbox).toEqual({ ttlMs: 7_200_000, idleTimeoutMs: 900_000 });
  });

  it('ttl = "0" means no TTL', () => {
    expect(parseConfig('[sandbox]\nttl = "0"\n', 'agentkernel.toml').config.sandbox).toEqual({});
  });

  it('a bad value is an error at its line naming the key', () => {
    const { errors } = parseConfig(
      '[sandbox]\nname = "x"\nttl = "soon"\nidle_timeout = 30\n',
      'agentkernel.toml',
    );
    expect(errors.map(formatConfigIssue)).toEqual([
      'agentkernel.toml:3: sandbox.ttl: "soon": write a duration such as 90s, 30m, 1h, 2d or 1h30m',
      'agentkernel.toml:4: sandbox.idle_timeout: expected a string, got integer 30',
    ]);
    const zero = parseConfig('[sandbox]\nidle_timeout = "0"\n', 'agentkernel.toml');
    expect(zero.errors.map(formatConfigIssue)).toEqual([
      'agentkernel.toml:2: sandbox.idle_timeout: must be more than 0 (leave it out for none)',
    ]);
  });
});
