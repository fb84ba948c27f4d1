import { setTimeout as sleep } from 'node:timers/promises';
import { classify, type Classification, type ErrorClassifier } from './transience.js';

/** How often and how patiently failed provider calls are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt (`[remote.<name>] max_retries`). */
  readonly retries: number;
  /** The first retry's delay ceiling; each further retry doubles it. */
  readonly baseDelayMs: number;
  /** The largest backoff delay. */
  readonly maxDelayMs: number;
  /** The longest `Retry-After` honoured; a provider asking for more fails the call instead of stalling it. */
  readonly maxRetryAfterMs?: number;
}

/** The delays every remote backend uses unless it has a reason not to. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * How a call may be repeated after a transient failure:
 * - `idempotent`: after any transient failure (reads, deletes, "set to" writes of a byte buffer);
 * - `refused-only`: only when the provider refused it without acting (429, 503), e.g. starting a
 *   command, which must never run twice;
 * - `once`: never, e.g. an upload whose body is a stream that has been consumed.
 */
export type Replay = 'idempotent' | 'refused-only' | 'once';

export interface RetryOptions<T> {
  readonly policy: RetryPolicy;
  readonly replay: Replay;
  /** The provider's reading of its SDK's errors; transport failures are classified generically anyway. */
  readonly classify?: ErrorClassifier;
  /**
   * Called before repeating a call after an ambiguous failure: a result other than `undefined` ends the
   * retries with it (e.g. the sandbox a lost create response had made, found by its creation token).
   * Given one, a `refused-only` call is also repeated after an ambiguous failure, once recover found
   * nothing.
   */
  readonly recover?: (error: unknown) => Promise<T | undefined>;
  /** Aborting during a delay rejects with the signal's reason; aborted before a retry, the last failure is rethrown. */
  readonly signal?: AbortSignal;
  /** Told about each retry before its delay, for debug logging. `attempt` is the one about to start (2 = first retry). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Replaces `Math.random` in the jitter (tests). */
  readonly random?: () => number;
}

/** Exponential backoff with "equal jitter": half of the capped delay is fixed, half random. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function isRetryable(found: Classification, options: RetryOptions<unknown>): boolean {
  if (options.replay === 'once') return false;
  if (found.transience === 'rejected') return true;
  if (found.transience !== 'ambiguous') return false;
  return options.replay === 'idempotent' || options.recover !== undefined;
}

/** The delay before the next attempt: the provider's `Retry-After` when it gave one, else the backoff. */
function delayOf(found: Classification, policy: RetryPolicy, attempt: number, random?: () => number): number {
  const backoff = backoffDelay(policy, attempt, random);
  return found.retryAfterMs === undefined ? backoff : Math.max(found.retryAfterMs, 0);
}

/**
 * Runs `operation`, retrying transient failures as `options` allow; the last failure is rethrown as is
 * (the caller turns it into an agentkernel error). A `Retry-After` longer than the policy's
 * `maxRetryAfterMs` ends the retries at once.
 */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const { policy, signal } = options;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const found = classify(error, options.classify);
      if (!isRetryable(found, options) || attempt >= policy.retries || signal?.aborted === true) throw error;
      const limit = policy.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs ?? 0;
      if (found.retryAfterMs !== undefined && found.retryAfterMs > limit) throw error;
      const delayMs = delayOf(found, policy, attempt, options.random);
      options.onRetry?.(error, attempt + 2, delayMs);
      try {
        await sleep(delayMs, undefined, signal === undefined ? undefined : { signal });
      } catch (aborted) {
        // Only an abort ends the sleep early.
        throw signal === undefined ? aborted : signal.reason;
      }
      if (found.transience === 'ambiguous' && options.recover !== undefined) {
        const recovered = await options.recover(error);
        if (recovered !== undefined) return recovered;
      }
    }
  }
}

/** What a provider call was doing when it failed, for the error message. */
export interface Doing {
  /** e.g. `creating a sandbox`, `reading /workspace/a.txt`. */
  readonly action: string;
  /** The provider id of the sandbox concerned. */
  readonly sandboxId?: string;
  /** The sandbox path concerned, for not-found messages. */
  readonly path?: string;
}

/** What a single call through a {@link Retrier} may add: adoption after a lost answer, an abort signal. */
export type CallExtras<T> = Pick<RetryOptions<T>, 'recover' | 'signal'>;

/** A retry policy and classifier bound together, with debug logging of each retry. */
export interface Retrier {
  /** The backend name. */
  readonly backend: string;
  readonly policy: RetryPolicy;
  readonly classify: ErrorClassifier | undefined;
  /**
   * Runs `operation` under the policy. `action` says what it does ("reading /workspace/a"), for the
   * debug line each retry logs.
   */
  run<T>(action: string, replay: Replay, operation: () => Promise<T>, extra?: CallExtras<T>): Promise<T>;
  /** {@link Retrier.run}, with a final failure turned into an agentkernel error by the provider's `toError`. */
  call<T>(doing: Doing, replay: Replay, operation: () => Promise<T>, extra?: CallExtras<T>): Promise<T>;
}

export interface RetrierOptions {
  /** The backend name, prefixed to debug lines. */
  readonly backend: string;
  readonly policy: RetryPolicy;
  readonly classify?: ErrorClassifier;
  /** Where retries are reported (a backend's `context.logger`). */
  readonly logger?: { debug(message: string): void };
  /**
   * The provider's reading of a final failure of {@link Retrier.call} (its SDK's errors as agentkernel
   * errors, the vendor error kept as `cause`); without one, the failure is rethrown as is.
   */
  readonly toError?: (error: unknown, doing: Doing) => unknown;
}

/** Binds a policy, a provider classifier and a logger into a {@link Retrier}. */
export function createRetrier(options: RetrierOptions): Retrier {
  const { backend, policy, logger, toError = (error: unknown) => error } = options;
  const run: Retrier['run'] = (action, replay, operation, extra = {}) =>
    withRetry(operation, {
      policy,
      replay,
      ...(options.classify === undefined ? {} : { classify: options.classify }),
      ...extra,
      onRetry: (error, attempt, delayMs) =>
        logger?.debug(
          `${backend}: ${action}: attempt ${attempt} in ${delayMs} ms after: ${(error as Error).message}`,
        ),
    });
  return {
    backend,
    policy,
    classify: options.classify,
    run,
    call: async (doing, replay, operation, extra) => {
      try {
        return await run(doing.action, replay, operation, extra);
      } catch (error) {
        throw toError(error, doing);
      }
    },
  };
}
