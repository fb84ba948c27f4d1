import type { Logger } from '@agentkernel/core';
import type * as E2B from 'e2b';
import { toAgentkernelError, type Doing } from './errors.js';
import type { E2BSettings, SdkConnection } from './options.js';
import { withRetry } from './retry.js';

/** The vendor SDK module, imported lazily when the backend opens. */
export type E2BModule = typeof E2B;
export type SdkSandbox = E2B.Sandbox;

/** What every part of an opened backend shares. */
export interface Runtime {
  readonly sdk: E2BModule;
  readonly settings: E2BSettings;
  readonly connection: SdkConnection;
  readonly logger: Logger;
}

/**
 * How a call may be repeated: `idempotent` after any transient failure; `refused-only` only when the
 * provider refused it without acting (429, 503); `once` never (a request body that was a stream).
 */
export type Replay = 'idempotent' | 'refused-only' | 'once';

/** Runs a provider call with the backend's retry policy, logging each retry at debug level. */
export function retrying<T>(
  runtime: Runtime,
  doing: Doing,
  replay: Replay,
  operation: () => Promise<T>,
): Promise<T> {
  const policy = replay === 'once' ? { ...runtime.settings.retry, retries: 0 } : runtime.settings.retry;
  return withRetry(operation, {
    policy,
    idempotent: replay === 'idempotent',
    onRetry: (error, attempt, delayMs) =>
      runtime.logger.debug(
        `e2b: ${doing.action}: attempt ${attempt + 1} in ${delayMs} ms after: ${(error as Error).message}`,
      ),
  });
}

/** {@link retrying}, with a final failure turned into an agentkernel error. */
export async function call<T>(
  runtime: Runtime,
  doing: Doing,
  replay: Replay,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await retrying(runtime, doing, replay, operation);
  } catch (error) {
    throw toAgentkernelError(error, doing);
  }
}
