import type { FakeEdge, FakeOptions, FakeRequestRecord, HttpFake, Summary } from '@agentkernel/fake-kit';
import type { FakeSandbox } from './state.js';

export interface FakeE2BOptions extends FakeOptions {
  /** The API key the fake accepts; a random `e2b_...` key when absent. */
  readonly apiKey?: string;
  /** Template names `create` accepts besides snapshots; `['base']` by default. */
  readonly templates?: readonly string[];
  /**
   * Echo the received API key in 401 messages, as a careless provider might. Off by default; tests of
   * redaction turn it on so that a leak would be visible.
   */
  readonly echoApiKeyInErrors?: boolean;
}

/** The environment that points the real E2B SDK (and agentkernel) at a fake. */
export interface FakeE2BEnv {
  readonly E2B_API_URL: string;
  readonly E2B_SANDBOX_URL: string;
  readonly E2B_API_KEY: string;
}

/** What a test can see of one fake sandbox (`root`: `<root>/workspace` is `/workspace`). */
export const SUMMARY_KEYS = [
  'sandboxID',
  'templateID',
  'state',
  'metadata',
  'envVars',
  'allowInternetAccess',
  'autoPause',
  'autoResume',
  'endAt',
  'root',
] as const;

export type FakeSandboxSummary = Summary<FakeSandbox, typeof SUMMARY_KEYS>;

/** One request the fake received. */
export type FakeRequest = FakeRequestRecord;

/**
 * A running fake E2B (REST API and envd on one local port). Its edge reads an endpoint's host
 * (`https://<port>-<sandboxId>.<domain>/...`) as E2B's does; it answers 400 for a host that is not a
 * sandbox host, and 502 for an unknown or paused sandbox, a port nothing listens on, or a sandbox
 * without internet access (whose servers the fake cannot reach).
 */
export interface FakeE2B extends HttpFake<FakeE2BEnv, FakeRequest>, FakeEdge {
  /** The sandboxes that exist now (killed ones are gone). */
  sandboxes(): FakeSandboxSummary[];
  /** The ids of the native snapshots that exist now. */
  snapshots(): string[];
  /** Moves a sandbox's end of life to now, as if its timeout had passed (it then pauses or dies). */
  expire(sandboxID: string): void;
}
