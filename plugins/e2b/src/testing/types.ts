import type { FaultSpec, RandomFaults } from '@agentkernel/fake-kit';
import type { FakeSandbox } from './state.js';

export interface FakeE2BOptions {
  /** The API key the fake accepts; a random `e2b_...` key when absent. */
  readonly apiKey?: string;
  /** Where sandboxes and snapshots keep their files; a fresh temporary folder (removed on close) when absent. */
  readonly dataDir?: string;
  /** Added to every request, in milliseconds. */
  readonly latencyMs?: number;
  /** Faults armed from the start (more can be added with {@link FakeE2B.injectFault}). */
  readonly faults?: readonly FaultSpec[];
  /** Faults drawn at random from the start, e.g. `{ rate: 0.2 }` (as `serve.js --faults 0.2`). */
  readonly randomFaults?: RandomFaults;
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
export type FakeSandboxSummary = Readonly<
  Pick<
    FakeSandbox,
    | 'sandboxID'
    | 'templateID'
    | 'state'
    | 'metadata'
    | 'envVars'
    | 'allowInternetAccess'
    | 'autoPause'
    | 'autoResume'
    | 'endAt'
    | 'root'
  >
>;

/** One request the fake received. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  /** The fault applied to it, if any. */
  readonly fault?: FaultSpec['kind'];
}

/** A running fake E2B (REST API and envd on one local port). */
export interface FakeE2B {
  /** `http://127.0.0.1:<port>`, serving both the API and every sandbox's envd. */
  readonly url: string;
  readonly env: FakeE2BEnv;
  readonly apiKey: string;
  readonly dataDir: string;
  /** Arms a fault for the next matching requests. */
  injectFault(fault: FaultSpec): void;
  /** Disarms every pending fault and stops drawing random ones. */
  clearFaults(): void;
  /** Draws faults at random from now on (undefined: stops). */
  setRandomFaults(random: RandomFaults | undefined): void;
  /** The sandboxes that exist now (killed ones are gone). */
  sandboxes(): FakeSandboxSummary[];
  /** The ids of the native snapshots that exist now. */
  snapshots(): string[];
  /** Every request received so far, oldest first. */
  requests(): readonly FakeRequest[];
  /**
   * E2B's edge for sandbox ports, without DNS: give it an endpoint URL exactly as the backend's
   * `endpoints()` returns it (`https://<port>-<sandboxId>.<domain>/...`). The host is read as E2B's
   * edge reads it and the request goes to that port on 127.0.0.1, where a server started in a sandbox
   * with internet access listens. Answers 400 for a host that is not a sandbox host, and 502 for an
   * unknown or paused sandbox, a port nothing listens on, or a sandbox without internet access (whose
   * servers the fake cannot reach). A plain function: pass it around unbound.
   */
  fetchEndpoint(url: string, init?: RequestInit): Promise<Response>;
  /** Moves a sandbox's end of life to now, as if its timeout had passed (it then pauses or dies). */
  expire(sandboxID: string): void;
  /** Kills every command, stops the server and removes the data folder it created. */
  close(): Promise<void>;
}
