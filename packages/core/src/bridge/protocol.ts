/**
 * The bridge protocol of agentkernel's Rust CLI (`src/backend/remote.rs`), as data: the CLI spawns
 * `<bridge> <provider> <base64(JSON request)>` once per operation and reads exactly one JSON line back
 * (except for `attach`, which inherits the terminal). Field names are agentkernel's, snake_case.
 */

/** Every operation agentkernel's CLI sends, in the order its `RemoteSandbox` first uses them. */
export const BRIDGE_OPERATIONS = [
  'create',
  'resume',
  'status',
  'stop',
  'destroy',
  'exec',
  'attach',
  'write_file',
  'read_file',
  'remove_file',
  'mkdir',
  'sync_push',
  'sync_pull',
  'snapshot',
  'restore',
  'delete_snapshot',
] as const;

export type BridgeOperation = (typeof BRIDGE_OPERATIONS)[number];

/** A port to publish; agentkernel sends `host_port` but remote providers ignore it. */
export interface BridgePort {
  readonly host_port: number | null;
  readonly container_port: number;
  readonly protocol: 'tcp' | 'udp';
}

/** A published port as the provider exposes it (agentkernel's `ResolvedEndpoint`). */
export interface BridgeEndpoint {
  readonly container_port: number;
  readonly protocol: 'tcp' | 'udp';
  readonly url: string;
}

/** One request. agentkernel omits empty or absent fields, so every field but two is optional. */
export interface BridgeRequest {
  readonly operation: BridgeOperation;
  readonly sandbox_name: string;
  readonly remote_id?: string;
  readonly remote_namespace?: string;
  readonly remote_metadata?: Readonly<Record<string, string>>;
  readonly workspace_revision?: string;
  readonly endpoints?: readonly BridgeEndpoint[];
  readonly profile?: string;
  readonly image?: string;
  readonly vcpus?: number;
  readonly memory_mb?: number;
  readonly network?: boolean;
  readonly read_only?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  readonly ports?: readonly BridgePort[];
  readonly command?: readonly string[];
  readonly workdir?: string;
  readonly path?: string;
  readonly content_base64?: string;
  readonly recursive?: boolean;
  readonly local_path?: string;
  readonly snapshot_name?: string;
  readonly shell?: string;
}

/**
 * One response. agentkernel merges `remote_metadata` into what it keeps, replaces `endpoints` when the
 * list is not empty (clears them when `running` is false), and records `running` as `last_known_status`.
 */
export interface BridgeResponse {
  success: boolean;
  error?: string;
  remote_id?: string;
  remote_namespace?: string;
  remote_metadata?: Record<string, string>;
  workspace_revision?: string;
  endpoints?: BridgeEndpoint[];
  /** Text: agentkernel's `ExecResult` holds strings, so non-UTF-8 output is decoded lossily. */
  stdout?: string;
  stderr?: string;
  exit_code?: number;
  content_base64?: string;
  running?: boolean;
}

/** The `remote_metadata` keys agentkernel itself reads or writes. */
export const BRIDGE_METADATA = {
  /** `running` or `stopped`; agentkernel reconnects only to a sandbox it last saw running. */
  lastKnownStatus: 'last_known_status',
  /** Set by agentkernel on a sandbox restored from a snapshot; `create` may start from it. */
  restoreSnapshot: 'restore_snapshot',
  /** Returned by `snapshot`: the opaque handle agentkernel passes back to `restore`/`delete_snapshot`. */
  snapshotHandle: 'snapshot_handle',
  /** Comma-separated `port/protocol` list of the published ports. */
  publishedPorts: 'published_ports',
} as const;

/** The failure response, the one shape every error takes. */
export function bridgeFailure(error: string): BridgeResponse {
  return { success: false, error };
}
