import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  classify,
  classifyTransport,
  createRetrier,
  parseRetryAfter,
  withRetry,
  type RetryPolicy,
} from '../../src/remote/index.js';

const withStatus = (status: number, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`HTTP ${status}`), { status, ...extra });

describe('classifyTransport', () => {
  it('reads HTTP statuses from status, statusCode or response.status', () => {
    expect(classifyTransport(withStatus(429))).toBe('rejected');
    expect(classifyTransport(withStatus(503))).toBe('rejected');
    expect(classifyTransport(Object.assign(new Error('x'), { statusCode: 500 }))).toBe('ambiguous');
    expect(classifyTransport(Object.assign(new Error('x'), { response: { status: 504 } }))).toBe('ambiguous');
    expect(classifyTransport(withStatus(400))).toBe('final');
    expect(classifyTransport(withStatus(404))).toBe('final');
    expect(classifyTransport(withStatus(501))).toBe('final');
  });

  it('treats dropped connections anywhere in the cause chain, and request timeouts, as ambiguous', () => {
    const dropped = new TypeError('fetch failed', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(classifyTransport(dropped)).toBe('ambiguous');
    expect(classifyTransport(Object.assign(new Error('read'), { code: 'ECONNRESET' }))).toBe('ambiguous');
    expect(classifyTransport(new DOMException('timed out', 'TimeoutError'))).toBe('ambiguous');
    expect(classifyTransport(new Error('no such sandbox'))).toBe('final');
    expect(classifyTransport('not an error')).toBe('final');
  });

  it('lets a provider classifier decide first and falls back when it returns undefined', () => {
    const provider = (error: unknown) => ((error as Error).name === 'Busy' ? 'rejected' : undefined);
    expect(classify(Object.assign(new Error('b'), { name: 'Busy' }), provider).transience).toBe('rejected');
    expect(classify(new TypeError('fetch failed'), provider).transience).toBe('ambiguous');
  });
});

describe('Retry-After', () => {
  it('parses delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('is read from headers (a Headers object or a record) on the error or its response', () => {
    expect(classify(withStatus(429, { headers: new Headers({ 'Retry-After': '2' }) })).retryAfterMs).toBe(
      2000,
    );
    expect(classify(withStatus(503, { response: { headers: { 'retry-after': '1' } } })).retryAfterMs).toBe(
      1000,
    );
  });
});

describe('backoffDelay', () => {
  const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  it('grows exponentially, is capped, and keeps half of the delay fixed', () => {
    expect(backoffDelay(policy, 0, () => 0)).toBe(50);
    expect(backoffDelay(policy, 0, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 0)).toBe(400);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1000);
  });
});

describe('withRetry', () => {
  const policy: RetryPolicy = { retries: 2, baseDelayMs: 1, maxDelayMs: 2 };
  const failing = (error: Error) => {
    const calls = { count: 0 };
    const operation = () => {
      calls.count += 1;
      return Promise.reject(error);
    };
    return { calls, operation };
  };

  it('repeats an ambiguous failure only when the call is idempotent', async () => {
    for (const [replay, expected] of [
      ['once', 1],
      ['refused-only', 1],
      ['idempotent', 3],
    ] as const) {
      const { calls, operation } = failing(withStatus(500));
      await expect(withRetry(operation, { policy, replay })).rejects.toThrow('HTTP 500');
      expect(calls.count, replay).toBe(expected);
    }
  });

  it('repeats a refused call unless it is a stream sent once', async () => {
    for (const [replay, expected] of [
      ['once', 1],
      ['refused-only', 3],
    ] as const) {
      const { calls, operation } = failing(withStatus(429));
      await expect(withRetry(operation, { policy, replay })).rejects.toThrow('HTTP 429');
      expect(calls.count, replay).toBe(expected);
    }
  });

  it('never repeats a final failure', async () => {
    const { calls, operation } = failing(withStatus(400));
    await expect(withRetry(operation, { policy, replay: 'idempotent' })).rejects.toThrow('HTTP 400');
    expect(calls.count).toBe(1);
  });

  it('asks recover before repeating an ambiguous failure and ends with what it found', async () => {
    const { calls, operation } = failing(new TypeError('fetch failed'));
    const result = await withRetry<string>(operation, {
      policy,
      replay: 'refused-only',
      recover: () => Promise.resolve('found'),
    });
    expect(result).toBe('found');
    expect(calls.count).toBe(1);
  });

  it('repeats after recover found nothing', async () => {
    let recovered = 0;
    let calls = 0;
    const result = await withRetry(
      () => (++calls < 3 ? Promise.reject(new TypeError('fetch failed')) : Promise.resolve('made')),
      {
        policy,
        replay: 'refused-only',
        recover: () => {
          recovered += 1;
          return Promise.resolve(undefined);
        },
      },
    );
    expect(result).toBe('made');
    expect([calls, recovered]).toEqual([3, 2]);
  });

  it('waits what Retry-After asks instead of the backoff', async () => {
    const delays: number[] = [];
    let calls = 0;
    await withRetry(
      () =>
        ++calls === 1
          ? Promise.reject(withStatus(429, { headers: { 'retry-after': '0.05' } }))
          : Promise.resolve(1),
      {
        policy: { ...policy, baseDelayMs: 10_000, maxDelayMs: 10_000 },
        replay: 'idempotent',
        onRetry: (_e, _a, d) => delays.push(d),
      },
    );
    expect(delays).toEqual([50]);
  });

  it('gives up at once when Retry-After is longer than the policy honours', async () => {
    const { calls, operation } = failing(withStatus(429, { headers: { 'retry-after': '3600' } }));
    await expect(
      withRetry(operation, { policy: { ...policy, maxRetryAfterMs: 1000 }, replay: 'idempotent' }),
    ).rejects.toThrow('HTTP 429');
    expect(calls.count).toBe(1);
  });

  it('stops retrying when the signal is aborted during the delay', async () => {
    const controller = new AbortController();
    const { calls, operation } = failing(withStatus(503));
    const running = withRetry(operation, {
      policy: { retries: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      replay: 'idempotent',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(running).rejects.toThrow('stop');
    expect(calls.count).toBe(1);
  });
});

describe('createRetrier', () => {
  it('logs each retry with the backend and action, and applies the classifier', async () => {
    const lines: string[] = [];
    const retrier = createRetrier({
      backend: 'acme',
      policy: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
      classify: (error) => ((error as Error).message === 'busy' ? 'rejected' : undefined),
      logger: { debug: (line) => lines.push(line) },
    });
    let calls = 0;
    const value = await retrier.run('listing things', 'refused-only', () =>
      ++calls === 1 ? Promise.reject(new Error('busy')) : Promise.resolve('ok'),
    );
    expect(value).toBe('ok');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^acme: listing things: attempt 2 in \d+ ms after: busy$/);
  });
});

describe('Retrier.call', () => {
  const policy = { retries: 1, baseDelayMs: 1, maxDelayMs: 1 };

  it('retries like run, then hands the final failure and what was being done to toError', async () => {
    const seen: unknown[] = [];
    const retrier = createRetrier({
      backend: 'acme',
      policy,
      classify: () => 'rejected',
      toError: (error, doing) => {
        seen.push(error, doing);
        return new Error(`${doing.action} failed: ${(error as Error).message}`);
      },
    });
    let calls = 0;
    const doing = { action: 'reading /a', sandboxId: 'sb-1', path: '/a' };
    await expect(
      retrier.call(doing, 'idempotent', () => {
        calls += 1;
        return Promise.reject(new Error('busy'));
      }),
    ).rejects.toThrow('reading /a failed: busy');
    expect(calls).toBe(2);
    expect(seen).toEqual([new Error('busy'), doing]);
  });

  it('rethrows the failure as is without toError, and passes a success through', async () => {
    const retrier = createRetrier({ backend: 'acme', policy });
    const failure = new Error('final');
    await expect(retrier.call({ action: 'x' }, 'once', () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(retrier.call({ action: 'x' }, 'once', () => Promise.resolve(7))).resolves.toBe(7);
    expect(retrier.backend).toBe('acme');
  });
});
