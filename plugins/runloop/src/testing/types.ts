import type { FakeEdge, FakeOptions, FakeRequestRecord, HttpFake, Summary } from '@agentkernel/fake-kit';
import type { FakeDevbox, FakeDiskSnapshot } from './state.js';

export interface FakeRunloopOptions extends FakeOptions {
  /** The API key the fake accepts; a random `ak_fake_...` key when absent. */
  readonly apiKey?: string;
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
export const DEVBOX_SUMMARY_KEYS = [
  'id',
  'name',
  'status',
  'metadata',
  'environmentVariables',
  'launchParameters',
  'blueprintId',
  'snapshotId',
  'shutdownReason',
  'root',
] as const;

export type FakeDevboxSummary = Summary<FakeDevbox, typeof DEVBOX_SUMMARY_KEYS>;

/** What a test can see of one disk snapshot. */
export const SNAPSHOT_SUMMARY_KEYS = ['id', 'name', 'metadata', 'sourceDevboxId', 'status'] as const;

export type FakeSnapshotSummary = Summary<FakeDiskSnapshot, typeof SNAPSHOT_SUMMARY_KEYS>;

/** One request the fake received. */
export interface FakeRequest extends FakeRequestRecord {
  /** `h2` or `http/1.1`. */
  readonly protocol: string;
}

/**
 * A running fake Runloop API, serving HTTP/2 (prior knowledge) and HTTP/1.1 on its `url`. Its tunnel
 * edge takes URLs as `https://<port>-<tunnel_key>.tunnel.<domain>/...`; it answers 404 for an unknown
 * tunnel, 401 for an authenticated tunnel without its token, 502 when the devbox is not running or
 * nothing listens.
 */
export interface FakeRunloop extends HttpFake<FakeRunloopEnv, FakeRequest>, FakeEdge {
  /** Every devbox ever created, shut down ones included (Runloop keeps their records). */
  devboxes(): FakeDevboxSummary[];
  /** The disk snapshots that exist now. */
  snapshots(): FakeSnapshotSummary[];
}
