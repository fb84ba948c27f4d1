import type { FakeOptions, FakeRequestRecord, HttpFake, Summary } from '@agentkernel/fake-kit';
import type { FakeSandbox } from './state.js';

export interface FakeDaytonaOptions extends FakeOptions {
  /** The API key the fake accepts; a random `dtn_...` key when absent. */
  readonly apiKey?: string;
  /** Snapshot names `create` accepts besides the fake's own snapshots; Daytona's default ones by default. */
  readonly images?: readonly string[];
  /** Echo the received API key in 401 messages, as a careless provider might (for redaction tests). */
  readonly echoApiKeyInErrors?: boolean;
}

/** The environment that points the Daytona SDK (and agentkernel) at a fake. */
export interface FakeDaytonaEnv {
  readonly DAYTONA_API_URL: string;
  readonly DAYTONA_API_KEY: string;
}

/** What a test can see of one fake sandbox (`<root>/workspace` is its `/workspace`). */
export const SUMMARY_KEYS = [
  'id',
  'name',
  'state',
  'labels',
  'env',
  'public',
  'networkBlockAll',
  'cpu',
  'memory',
  'autoStopInterval',
  'autoDestroyAt',
  'snapshot',
  'image',
  'target',
  'root',
] as const;

export type FakeSandboxSummary = Summary<FakeSandbox, typeof SUMMARY_KEYS> & { readonly sessions: number };

/** One request the fake received. */
export interface FakeRequest extends FakeRequestRecord {
  /** The `X-Daytona-Organization-ID` header, when sent. */
  readonly organization?: string;
}

/** A running fake Daytona: the API under `/api`, every sandbox's toolbox under `/toolbox`, previews. */
export interface FakeDaytona extends HttpFake<FakeDaytonaEnv, FakeRequest> {
  /** `<url>/api`, the SDK's `apiUrl`. */
  readonly apiUrl: string;
  /** The sandboxes that exist now. */
  sandboxes(): FakeSandboxSummary[];
  /** The names of the native snapshots that exist now. */
  snapshots(): string[];
}
