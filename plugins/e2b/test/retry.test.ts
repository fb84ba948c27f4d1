import { describe, expect, it } from 'vitest';
import { backoffDelay, transience, withRetry } from '../src/retry.js';

const named = (name: string, message = name, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), { name }, extra);

describe('transience', () => {
  it('classifies the SDK errors and transport failures', () => {
    expect(transience(named('RateLimitError'))).toBe('rejected');
    expect(transience(named('ServiceBusyError'))).toBe('rejected');
    expect(transience(named('SandboxError', '500: boom', { statusCode: 500 }))).toBe('ambiguous');
    expect(transience(named('SandboxError', '504: gateway'))).toBe('ambiguous');
    expect(
      transience(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
        }),
      ),
    ).toBe('ambiguous');
    expect(transience(new DOMException('timed out', 'TimeoutError'))).toBe('ambiguous');
    expect(transience(named('SandboxError', '2: [unknown] terminated'))).toBe('ambiguous');
    expect(transience(named('AuthenticationError', 'Unauthorized'))).toBe('final');
    expect(transience(named('SandboxNotFoundError'))).toBe('final');
    expect(transience(named('TimeoutError', '502: sandbox timeout'))).toBe('final');
    expect(transience(named('SandboxError', '400: bad', { statusCode: 400 }))).toBe('final');
  });
});

describe('backoff', () => {
  const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  it('grows exponentially, is capped, and keeps half of the delay fixed', () => {
    expect(backoffDelay(policy, 0, () => 0)).toBe(50);
    expect(backoffDelay(policy, 0, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 0)).toBe(400);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1000);
  });
});

describe('withRetry', () => {
  const policy = { retries: 2, baseDelayMs: 1, maxDelayMs: 2 };
  it('repeats an ambiguous failure only when the call is idempotent', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(named('SandboxError', '500: x', { statusCode: 500 }));
    };
    await expect(withRetry(failing, { policy, idempotent: false })).rejects.toThrow('500: x');
    expect(calls).toBe(1);
    calls = 0;
    await expect(withRetry(failing, { policy, idempotent: true })).rejects.toThrow('500: x');
    expect(calls).toBe(3);
  });

  it('asks recover before repeating and ends with what it found', async () => {
    let calls = 0;
    const result = await withRetry(
      () => {
        calls += 1;
        return Promise.reject(new TypeError('fetch failed'));
      },
      { policy, idempotent: false, recover: () => Promise.resolve('found') },
    );
    expect(result).toBe('found');
    expect(calls).toBe(1);
  });
});
