import type { FakeEdge, FakeOptions, GrpcCallRecord, RunningFake, Summary } from '@agentkernel/fake-kit';
import type { FakeModalSandbox } from './state.js';

/**
 * Faults (`faults`, `randomFaults`) are matched against `"POST <method path>"`. A `status` fault's HTTP
 * status stands for a gRPC one (429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE, 500 INTERNAL); with
 * `retryAfterSeconds` it carries Modal's retry-after hint.
 */
export interface FakeModalOptions extends FakeOptions {
  /** The token pair the fake accepts; random `ak-...`/`as-...` values when absent. */
  readonly tokenId?: string;
  readonly tokenSecret?: string;
  /**
   * Echo the received token id and secret in UNAUTHENTICATED messages, as a careless server might. Off
   * by default; redaction tests turn it on so that a leak would be visible.
   */
  readonly echoCredentialsInErrors?: boolean;
}

/** The environment that points the real Modal SDK (and agentkernel) at a fake. */
export interface FakeModalEnv {
  readonly MODAL_SERVER_URL: string;
  readonly MODAL_TOKEN_ID: string;
  readonly MODAL_TOKEN_SECRET: string;
}

/** What a test can see of one fake sandbox (`root`: `<root>/workspace` is `/workspace`). */
export const SUMMARY_KEYS = [
  'sandboxId',
  'appId',
  'imageId',
  'tags',
  'env',
  'network',
  'milliCpu',
  'memoryMb',
  'timeoutSecs',
  'idleTimeoutSecs',
  'root',
] as const;

export type FakeModalSandboxSummary = Summary<FakeModalSandbox, typeof SUMMARY_KEYS> & {
  /** `<environment>/<app name>` of the app it belongs to. */
  readonly app: string;
  /** Terminated or past its timeout. */
  readonly finished: boolean;
  readonly ports: readonly number[];
};

/**
 * A running fake Modal (control plane and command router on one local port). Its tunnel edge takes a
 * URL exactly as a tunnel's `url` is.
 */
export interface FakeModal extends RunningFake<FakeModalEnv>, FakeEdge {
  readonly tokenId: string;
  readonly tokenSecret: string;
  /** Every call received so far, oldest first. */
  calls(): readonly GrpcCallRecord[];
  /** Every sandbox the fake has made, finished ones included. */
  sandboxes(): FakeModalSandboxSummary[];
  /** The ids of the filesystem-snapshot images that exist now. */
  images(): string[];
}
