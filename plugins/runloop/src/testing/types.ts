import type { FaultSpec, RandomFaults } from '@agentkernel/fake-kit';
import type { FakeDevbox, FakeDiskSnapshot } from './state.js';

export interface FakeRunloopOptions {
  /** The API key the fake accepts; a random `ak_fake_...` key when absent. */
  readonly apiKey?: string;
  /** Where devbox disks and snapshots live; a fresh temporary folder (removed on close) when absent. */
  readonly dataDir?: string;
  /** Blueprint names `create` accepts (besides none, the default image). */
  readonly blueprints?: readonly string[];
  /** How long a devbox takes to boot, suspend or resume, and a snapshot to complete; 100 ms by default. */
  readonly transitionMs?: number;
  /**
   * How long `wait_for_status`, `create_and_await_running`, `execute` and an idle SSE stream hold a
   * request before answering 408 (or the current state); 25 s by default, as Runloop does.
   */
  readonly longPollMs?: number;
  /** The most devboxes (or snapshots) one page of a list holds, whatever the client asks; 20 by default. */
  readonly pageSize?: number;
  /** Added to every request, in milliseconds. */
  readonly latencyMs?: number;
  /** Faults armed from the start (more with {@link FakeRunloop.injectFault}). */
  readonly faults?: readonly FaultSpec[];
  /** Faults drawn at random from the start, e.g. `{ rate: 0.2 }` (as `serve.js --faults 0.2`). */
  readonly randomFaults?: RandomFaults;
  /**
   * Echo the received API key in 401 messages, as a careless provider might. Off by default; tests of
   * redaction turn it on so that a leak would show.
   */
  readonly echoApiKeyInErrors?: boolean;
}

/** The environment that points the real Runloop SDK (and agentkernel) at a fake. */
export interface FakeRunloopEnv {
  readonly RUNLOOP_BASE_URL: string;
  readonly RUNLOOP_API_KEY: string;
  /** agentkernel's `[remote.runloop] tunnel_domain` (not the SDK's): the fake is reached by IP address. */
  readonly RUNLOOP_TUNNEL_DOMAIN: string;
}

/** What a test can see of one fake devbox (`root`: `<root>/workspace` is `/workspace`). */
export type FakeDevboxSummary = Readonly<
  Pick<
    FakeDevbox,
    | 'id'
    | 'name'
    | 'status'
    | 'metadata'
    | 'environmentVariables'
    | 'launchParameters'
    | 'blueprintId'
    | 'snapshotId'
    | 'shutdownReason'
    | 'root'
  >
>;

/** What a test can see of one disk snapshot. */
export type FakeSnapshotSummary = Readonly<
  Pick<FakeDiskSnapshot, 'id' | 'name' | 'metadata' | 'sourceDevboxId' | 'status'>
>;

/** One request the fake received. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  /** `h2` or `http/1.1`. */
  readonly protocol: string;
  /** The fault applied to it, if any. */
  readonly fault?: FaultSpec['kind'];
}

/** A running fake Runloop API. */
export interface FakeRunloop {
  /** `http://127.0.0.1:<port>`, serving HTTP/2 (prior knowledge) and HTTP/1.1. */
  readonly url: string;
  readonly env: FakeRunloopEnv;
  readonly apiKey: string;
  readonly dataDir: string;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Every devbox ever created, shut down ones included (Runloop keeps their records). */
  devboxes(): FakeDevboxSummary[];
  /** The disk snapshots that exist now. */
  snapshots(): FakeSnapshotSummary[];
  /** Every request received so far, oldest first. */
  requests(): readonly FakeRequest[];
  /**
   * Runloop's tunnel edge, without DNS: give it a URL as `https://<port>-<tunnel_key>.tunnel.<domain>/...`
   * and the request goes to that port on 127.0.0.1, where a server in a devbox listens. Answers 404 for
   * an unknown tunnel, 401 for an authenticated tunnel without its token, 502 when the devbox is not
   * running or nothing listens. A plain function: pass it around unbound.
   */
  fetchEndpoint(url: string, init?: RequestInit): Promise<Response>;
  /** Kills every command, stops the server and removes the data folder it created. */
  close(): Promise<void>;
}
