import { setTimeout as sleep } from 'node:timers/promises';

/** How often and how patiently failed provider calls are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * How a failure bears on retrying: `rejected` means the provider refused the request without acting
 * on it (429, 503) and any call may be sent again; `ambiguous` means it may or may not have acted (a
 * 5xx, a dropped connection, a request timeout), so only idempotent calls are; `final` is not retried.
 */
export type Transience = 'rejected' | 'ambiguous' | 'final';

const DROPPED =
  /fetch failed|terminated|other side closed|socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR|network error/i;

function statusOf(error: Error & { statusCode?: unknown }): number | undefined {
  if (typeof error.statusCode === 'number') return error.statusCode;
  // envd errors carry their HTTP status only at the start of the message: "500: ..."
  const match = /^(\d{3}):/.exec(error.message);
  return match === null ? undefined : Number(match[1]);
}

function chain(error: unknown): Error[] {
  const out: Error[] = [];
  for (let current = error; current instanceof Error && out.length < 8; current = current.cause)
    out.push(current);
  return out;
}

/** Classifies an error thrown by the E2B SDK (or by fetch underneath it). */
export function transience(error: unknown): Transience {
  const errors = chain(error);
  const first = errors[0];
  if (first === undefined) return 'final';
  if (first.name === 'RateLimitError' || first.name === 'ServiceBusyError') return 'rejected';
  const status = statusOf(first);
  if (status === 429 || status === 503) return 'rejected';
  if (status !== undefined && status >= 500 && status !== 502) return 'ambiguous';
  // A request timeout (the SDK's requestTimeoutMs) surfaces as a DOMException named TimeoutError.
  if (first instanceof DOMException && first.name === 'TimeoutError') return 'ambiguous';
  const codes = errors.map((e) => (e as { code?: unknown }).code).filter((code) => typeof code === 'string');
  if (errors.some((e) => DROPPED.test(e.message)) || codes.some((code) => DROPPED.test(code)))
    return 'ambiguous';
  return 'final';
}

export interface RetryOptions<T> {
  readonly policy: RetryPolicy;
  /** Whether repeating the call after an ambiguous failure is harmless. */
  readonly idempotent: boolean;
  /**
   * Called before each retry of an ambiguous failure: a non-undefined result ends the retries with it
   * (e.g. the sandbox a lost create response had made, found by its creation token).
   */
  readonly recover?: (error: unknown) => Promise<T | undefined>;
  readonly signal?: AbortSignal;
  /** Told about each retry, for debug logging. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Runs `operation`, retrying transient failures per `options`; the last failure is rethrown. */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const kind = transience(error);
      const retryable =
        kind === 'rejected' ||
        (kind === 'ambiguous' && (options.idempotent || options.recover !== undefined));
      if (!retryable || attempt >= options.policy.retries || options.signal?.aborted === true) throw error;
      const delayMs = backoffDelay(options.policy, attempt);
      options.onRetry?.(error, attempt + 1, delayMs);
      await sleep(delayMs, undefined, options.signal === undefined ? undefined : { signal: options.signal });
      if (kind === 'ambiguous' && options.recover !== undefined) {
        const recovered = await options.recover(error);
        if (recovered !== undefined) return recovered;
      }
    }
  }
}
