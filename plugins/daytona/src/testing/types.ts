import type { FaultSpec, RandomFaults } from '@agentkernel/fake-kit';
import type { FakeSandbox } from './state.js';

export interface FakeDaytonaOptions {
  /** The API key the fake accepts; a random `dtn_...` key when absent. */
  readonly apiKey?: string;
  /** Where sandboxes and snapshots keep their files; a fresh temporary folder (removed on close) when absent. */
  readonly dataDir?: string;
  /** Faults armed from the start (more with {@link FakeDaytona.injectFault}). */
  readonly faults?: readonly FaultSpec[];
  /** Faults drawn at random for a share of requests (`serve.js --faults 0.2`). */
  readonly randomFaults?: RandomFaults;
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
export type FakeSandboxSummary = Readonly<
  Pick<
    FakeSandbox,
    | 'id'
    | 'name'
    | 'state'
    | 'labels'
    | 'env'
    | 'public'
    | 'networkBlockAll'
    | 'cpu'
    | 'memory'
    | 'autoStopInterval'
    | 'autoDestroyAt'
    | 'snapshot'
    | 'image'
    | 'target'
    | 'root'
  >
> & { readonly sessions: number };

/** One request the fake received. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly fault?: FaultSpec['kind'];
  /** The `X-Daytona-Organization-ID` header, when sent. */
  readonly organization?: string;
}

/** A running fake Daytona: the API under `/api`, every sandbox's toolbox under `/toolbox`, previews. */
export interface FakeDaytona {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `<url>/api`, the SDK's `apiUrl`. */
  readonly apiUrl: string;
  readonly env: FakeDaytonaEnv;
  readonly apiKey: string;
  readonly dataDir: string;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** The sandboxes that exist now. */
  sandboxes(): FakeSandboxSummary[];
  /** The names of the native snapshots that exist now. */
  snapshots(): string[];
  /** Every request received so far, oldest first. */
  requests(): readonly FakeRequest[];
  /** Kills every command, stops the server and removes the data folder it created. */
  close(): Promise<void>;
}
