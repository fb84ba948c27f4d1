import type { Logger, Replay, Retrier } from '@agentkernel/core';
import type * as E2B from 'e2b';
import { toAgentkernelError, type Doing } from './errors.js';
import type { E2BSettings, SdkConnection } from './options.js';

/** The vendor SDK module, imported lazily when the backend opens. */
export type E2BModule = typeof E2B;
export type SdkSandbox = E2B.Sandbox;

/** What every part of an opened backend shares. */
export interface Runtime {
  readonly sdk: E2BModule;
  readonly settings: E2BSettings;
  readonly connection: SdkConnection;
  readonly logger: Logger;
  /** Core's retries with E2B's error classifier. */
  readonly retrier: Retrier;
}

/** Runs a provider call under the backend's retries, a final failure turned into an agentkernel error. */
export async function call<T>(
  runtime: Runtime,
  doing: Doing,
  replay: Replay,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await runtime.retrier.run(doing.action, replay, operation);
  } catch (error) {
    throw toAgentkernelError(error, doing);
  }
}
