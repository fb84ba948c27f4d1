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
 * Calls the provider with the backend's retry policy and turns a final failure into an agentkernel
 * error. `idempotent` says whether an ambiguous failure (5xx, dropped connection) may be retried.
 */
export async function call<T>(runtime: Runtime, doing: Doing, idempotent: boolean, operation: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(operation, {
      policy: runtime.settings.retry,
      idempotent,
      onRetry: (error, attempt, delayMs) =>
        runtime.logger.debug(`e2b: ${doing.action}: attempt ${attempt} in ${delayMs} ms after: ${(error as Error).message}`),
    });
  } catch (error) {
    throw toAgentkernelError(error, doing);
  }
}
