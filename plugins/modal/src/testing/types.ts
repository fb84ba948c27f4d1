import type { FaultSpec, GrpcCallRecord, RandomFaults } from '@agentkernel/fake-kit';

export interface FakeModalOptions {
  /** The token pair the fake accepts; random `ak-...`/`as-...` values when absent. */
  readonly tokenId?: string;
  readonly tokenSecret?: string;
  /** Where sandboxes and images keep their files; a fresh temporary folder (removed on close) when absent. */
  readonly dataDir?: string;
  /** Added to every call, in milliseconds. */
  readonly latencyMs?: number;
  /**
   * Faults armed from the start (more with {@link FakeModal.injectFault}), matched against
   * `"POST <method path>"`. A `status` fault's HTTP status stands for a gRPC one (429 RESOURCE_EXHAUSTED,
   * 503 UNAVAILABLE, 500 INTERNAL); with `retryAfterSeconds` it carries Modal's retry-after hint.
   */
  readonly faults?: readonly FaultSpec[];
  /** Faults drawn at random for a share of the calls (what `serve.js --faults` sets). */
  readonly randomFaults?: RandomFaults;
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
export interface FakeModalSandboxSummary {
  readonly sandboxId: string;
  readonly appId: string;
  /** `<environment>/<app name>` of the app it belongs to. */
  readonly app: string;
  readonly imageId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly network: boolean;
  /** Terminated or past its timeout. */
  readonly finished: boolean;
  readonly milliCpu: number;
  readonly memoryMb: number;
  readonly timeoutSecs: number;
  readonly idleTimeoutSecs: number | undefined;
  readonly ports: readonly number[];
  readonly root: string;
}

/** A running fake Modal (control plane and command router on one local port). */
export interface FakeModal {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly env: FakeModalEnv;
  readonly tokenId: string;
  readonly tokenSecret: string;
  readonly dataDir: string;
  /** Arms a fault for the next matching calls. */
  injectFault(fault: FaultSpec): void;
  /** Disarms every pending fault. */
  clearFaults(): void;
  /** Draws faults at random from now on (or stops, given undefined). */
  setRandomFaults(random: RandomFaults | undefined): void;
  /** Every call received so far, oldest first. */
  calls(): readonly GrpcCallRecord[];
  /** Every sandbox the fake has made, finished ones included. */
  sandboxes(): FakeModalSandboxSummary[];
  /** The ids of the filesystem-snapshot images that exist now. */
  images(): string[];
  /**
   * Modal's tunnel edge, without DNS: give it a URL exactly as a tunnel's `url` is; the request goes to
   * the sandbox's port. A plain function: pass it around unbound.
   */
  fetchEndpoint(url: string, init?: RequestInit): Promise<Response>;
  /** Kills every command, stops the server and removes the data folder it created. */
  close(): Promise<void>;
}
