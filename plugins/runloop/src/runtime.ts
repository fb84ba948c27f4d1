import type { Logger, Retrier } from '@agentkernel/core';
import type * as RunloopSdk from '@runloop/api-client';
import type { RunloopSettings } from './options.js';

/** The vendor SDK module, imported lazily when the backend opens. */
export type RunloopModule = typeof RunloopSdk;
export type RunloopClient = RunloopSdk.Runloop;

/** What every part of an opened backend shares. */
export interface Runtime {
  readonly sdk: RunloopModule;
  /**
   * The SDK's client, with its own retries off (`maxRetries: 0`): every retry is core's, counted once
   * against `[remote.runloop] max_retries`, never multiplied by the SDK's.
   */
  readonly client: RunloopClient;
  readonly settings: RunloopSettings;
  readonly retrier: Retrier;
  readonly logger: Logger;
  /** A local folder for spooling uploads (the plugin's data directory). */
  readonly spoolDir: string;
}
