import type { Logger, Retrier } from '@agentkernel/core';
import type * as E2B from 'e2b';
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
  /** Core's retries with E2B's error classifier; `call` turns a final failure into an agentkernel error. */
  readonly retrier: Retrier;
}
