/**
 * The agentkernel backend contract, version `agentkernel-backend-v1`.
 *
 * This file is the specification that backend authors (ours and third parties') implement. It is
 * deliberately small: a backend moves bytes and runs processes in a remote sandbox; everything that can
 * be written once on top of those primitives (workspace sync, portable snapshots, retries of the CLI,
 * redaction, state) lives in `@agentkernel/core` and is shared by every backend.
 *
 * Three layers:
 *
 * 1. {@link BackendPlugin}: a plain module-scope object that describes a backend without doing any I/O.
 *    The CLI can list, validate and document a plugin by reading this object alone; vendor SDKs must not
 *    be imported until {@link BackendPlugin.open} or a later operation needs them.
 * 2. {@link Backend}: an opened backend, bound to resolved configuration and credentials. It creates
 *    sandboxes and finds existing ones again.
 * 3. {@link SandboxHandle}: one sandbox. Its {@link SandboxHandle.ref} is the only thing agentkernel
 *    persists; any later process must be able to call {@link Backend.reconnect} with it.
 *
 * Rules every implementation follows:
 *
 * - A non-zero exit status of a command is a *result*, never an exception ({@link ExecResult}).
 * - Failures are thrown as `AgentkernelError` subclasses from `@agentkernel/core` (so the CLI can map
 *   them to exit codes), with the vendor error kept as `cause`.
 * - An optional method that is absent means "not supported". Callers go through core's
 *   `optionalMethod` helper, which throws `CapabilityUnsupportedError` naming the
 *   backend and the capability. Nothing is ever a silent no-op.
 * - Paths inside the sandbox are POSIX absolute paths or are relative to the workspace directory
 *   (`/workspace` unless a profile says otherwise).
 * - Byte payloads are `Uint8Array` (Node `Buffer`s are fine). Text is never assumed: a file API that
 *   decoded to string would corrupt binaries.
 *
 * @packageDocumentation
 */
import type { Readable } from 'node:stream';

/**
 * The literal version string of this contract. A plugin declares it in
 * {@link BackendPlugin.specificationVersion}; core refuses plugins whose version it does not list in
 * {@link SUPPORTED_SPECIFICATION_VERSIONS}, with an `UnsupportedSpecificationError` that names the
 * plugin, its version and the supported list.
 *
 * The version changes only when the contract changes incompatibly. Additive, optional members do not
 * bump it.
 */
export const SPECIFICATION_VERSION = 'agentkernel-backend-v1' as const;

/** Every contract version this copy of core can load. */
export const SUPPORTED_SPECIFICATION_VERSIONS: readonly string[] = [SPECIFICATION_VERSION];

/** The type of {@link SPECIFICATION_VERSION}. */
export type SpecificationVersion = typeof SPECIFICATION_VERSION;

/**
 * What a backend can do beyond the required core of the contract. Each flag corresponds to optional
 * members; a flag set to `true` promises that those members exist and work, a flag set to `false`
 * promises that they are absent (so the CLI can say so before it tries).
 *
 * The conformance suite (`@agentkernel/testkit`) checks that the flags and the members agree and skips
 * the tests of an undeclared capability, printing the reason.
 */
export interface BackendCapabilities {
  /**
   * The provider can capture a sandbox natively ({@link SandboxHandle.snapshot}) and create a sandbox
   * from that capture ({@link SandboxSpec.fromSnapshot}); {@link Backend.deleteSnapshot} removes one.
   * Portable snapshots (a tar of `/workspace`) work on every backend regardless.
   */
  readonly nativeSnapshots: boolean;
  /**
   * {@link SandboxHandle.stop} keeps the sandbox's files (the sandbox is paused or stopped, not
   * destroyed) and {@link SandboxHandle.start} brings it back.
   */
  readonly pauseResume: boolean;
  /** {@link SandboxHandle.shell} attaches an interactive terminal to the sandbox. */
  readonly pty: boolean;
  /**
   * {@link ExecOptions.onStdout}/{@link ExecOptions.onStderr} are called while the command runs. When
   * `false`, they are called once each with the whole output after the command ends.
   */
  readonly streamingExec: boolean;
  /** {@link Backend.list} enumerates the sandboxes this backend created. */
  readonly list: boolean;
  /** {@link SandboxHandle.endpoints} exposes ports of the sandbox at reachable URLs. */
  readonly ports: boolean;
  /**
   * A process that a command leaves in the background (`nohup server &`, in a session of its own)
   * keeps running after {@link SandboxHandle.exec} returns, until the sandbox stops: the sandbox is a
   * machine, not one process per command. Core's detached commands (`exec --detach`, `exec-logs`,
   * `exec-kill`) are built on this, over plain `exec`, with their output kept in files under
   * `/tmp/.agentkernel/exec/` in the sandbox; a backend needs nothing else for them.
   *
   * Added after v1 was published, so it may be absent, which means `false`.
   */
  readonly backgroundProcesses?: boolean;
}

/** The name of one capability flag. */
export type CapabilityName = keyof BackendCapabilities;

/**
 * A credential the plugin reads. Declared so that `agentkernel doctor` can say which are present or
 * missing (by name, never by value) and so that core can register every resolved value with the
 * redactor before the backend opens.
 *
 * Resolution order (core implements it, plugins only declare): the inline `[remote.<name>] <key>` value
 * (with a warning, because it risks committing a secret), else the environment variable named by
 * `[remote.<name>] <key>_env`, else each of {@link CredentialSpec.env} in order.
 */
export interface CredentialSpec {
  /** The config key in `[remote.<name>]`, for example `api_key` or `token_id`. */
  readonly key: string;
  /** The provider's standard environment variables, most preferred first, e.g. `['E2B_API_KEY']`. */
  readonly env: readonly string[];
  /** Whether the backend cannot open without it. */
  readonly required: boolean;
  /**
   * Whether the value is a secret. Secret values are registered with the redactor and never written to
   * state, logs, `--json` output or error messages. Non-secret values (a base URL, a region) are not.
   */
  readonly secret: boolean;
  /** One line for `doctor` and `plugins info`. */
  readonly description: string;
}

/**
 * The type of one key of a plugin's `[remote.<name>]` table. `integer` is a whole number (TOML integers,
 * and environment values such as `"30000"`); `number` also accepts fractions.
 */
export type ConfigValueType = 'string' | 'number' | 'integer' | 'boolean' | 'string[]';

/**
 * One key a plugin accepts in its `[remote.<name>]` table, beyond the credential keys.
 *
 * Core validates every constraint declared here before `open` is called, so a plugin reads
 * `context.config[key]` as already typed, in range and defaulted: it never re-validates. A value comes
 * from the table, else from the first set variable of {@link ConfigKeySpec.env}, else from
 * {@link ConfigKeySpec.default}; a bad value names where it came from (file, line and key, or the
 * environment variable).
 */
export interface ConfigKeySpec {
  readonly type: ConfigValueType;
  /** One line for `plugins info` and for validation messages. */
  readonly description: string;
  /** Used when the key is absent from the table and from the environment. */
  readonly default?: string | number | boolean | readonly string[];
  /** For `string` keys: the only values accepted, e.g. `['pause', 'kill']`. */
  readonly choices?: readonly string[];
  /** For `number` and `integer` keys: the smallest value accepted. */
  readonly min?: number;
  /**
   * Environment variables read, most preferred first, when the table does not set the key: the
   * provider's own non-secret settings such as `['E2B_API_URL']` for `base_url`. A key may name one of
   * the keys every provider accepts (`base_url`, `region`, ...) to give it an environment fallback.
   * Never a secret: secrets are {@link CredentialSpec}s, which are redacted.
   */
  readonly env?: readonly string[];
}

/**
 * The keys a plugin accepts in its `[remote.<name>]` table. Core validates the table against it:
 * a wrong type is an error naming file, line and key; an unknown key is a warning. The keys common to
 * every provider (`api_key`, `api_key_env`, `base_url`, `region`, ...; see DESIGN.md section 5) are
 * accepted without being listed here.
 */
export type ConfigSchema = Readonly<Record<string, ConfigKeySpec>>;

/** Where a plugin's maturity stands; `stub` plugins are listed but cannot open sandboxes. */
export type PluginStatus = 'ready' | 'stub';

/**
 * The object a backend package exports, as its default export or as a named export `plugin`.
 *
 * It must be a plain value built at module scope: importing a plugin module performs no I/O, starts no
 * timers, reads no environment and imports no vendor SDK. Discovery imports it only when the backend is
 * first used, and `plugins list` does not import it at all (it reads `package.json`).
 *
 * @example
 * ```ts
 * export const plugin: BackendPlugin = {
 *   specificationVersion: 'agentkernel-backend-v1',
 *   name: 'acme',
 *   version: '1.2.0',
 *   capabilities: { nativeSnapshots: false, pauseResume: true, pty: false,
 *                   streamingExec: true, list: true, ports: true },
 *   credentials: [{ key: 'api_key', env: ['ACME_API_KEY'], required: true, secret: true,
 *                   description: 'Acme API key' }],
 *   configSchema: {},
 *   async open(context) {
 *     const { AcmeClient } = await importVendor(() => import('acme-sdk'), 'acme-sdk', 'acme');
 *     return new AcmeBackend(new AcmeClient({ apiKey: context.credentials.api_key }), context);
 *   },
 * };
 * export default plugin;
 * ```
 */
export interface BackendPlugin {
  /** Always {@link SPECIFICATION_VERSION} for plugins written against this file. */
  readonly specificationVersion: SpecificationVersion;
  /**
   * The `--backend` value, lower-case `[a-z0-9-]`. It must match the package name's suffix
   * (`@agentkernel/backend-<name>`, `agentkernel-backend-<name>`, `@scope/agentkernel-backend-<name>`).
   */
  readonly name: string;
  /** The plugin package's version (semver). */
  readonly version: string;
  /** One line for `plugins list`. */
  readonly description?: string;
  /**
   * `ready` (the default) or `stub`. A stub keeps the contract's shape for a provider whose live
   * adapter does not exist yet: it is discovered and listed, `doctor` reports it as not usable, and
   * every operation throws `BackendNotAvailableError`.
   */
  readonly status?: PluginStatus;
  /** What the backend supports beyond the required contract. */
  readonly capabilities: BackendCapabilities;
  /** The credentials the backend reads, for `doctor` and for redaction. */
  readonly credentials: readonly CredentialSpec[];
  /** The keys of the plugin's `[remote.<name>]` table. */
  readonly configSchema: ConfigSchema;
  /**
   * Opens the backend with resolved configuration and credentials. This is where a plugin may import
   * its vendor SDK (lazily, with core's `importVendor` so a missing SDK is an actionable error) and
   * check that required credentials are present, throwing `CredentialsMissingError` if not.
   * It should not contact the provider: opening happens before every command, including offline ones.
   */
  open(context: BackendContext): Backend | Promise<Backend>;
}

/** Receives diagnostics. Everything passed here has already been through the redactor. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** A named `[remote.profiles.<name>]` table: how to prepare a sandbox image for agent work. */
export interface RemoteProfile {
  readonly name: string;
  /** The provider image, template or snapshot to start from; overrides `[sandbox] base_image`. */
  readonly image?: string;
  /** Shell commands run once, in order, after the sandbox is created. */
  readonly bootstrap: readonly string[];
  /** The workspace directory inside the sandbox; `/workspace` by default. */
  readonly workspaceDir: string;
  /** Environment variables set for every command. */
  readonly env: Readonly<Record<string, string>>;
}

/** Everything a plugin gets when it is opened. */
export interface BackendContext {
  /**
   * The plugin's `[remote.<name>]` table after validation against {@link BackendPlugin.configSchema},
   * with defaults applied. Credential keys are not here: see {@link BackendContext.credentials}.
   */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * Resolved credentials by {@link CredentialSpec.key}; a missing optional credential is absent.
   * Secret values are already registered with the redactor.
   */
  readonly credentials: Readonly<Record<string, string>>;
  /** The environment to read provider settings from (normally `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A directory the plugin may use for its own files (caches, keys), created on first use. */
  readonly dataDir: string;
  /** Diagnostics, shown with `--debug`. */
  readonly logger: Logger;
  /**
   * Names of the other usable backends that discovery found, so a backend that cannot serve a request
   * (a stub, a provider outage) can suggest an alternative. Empty when unknown.
   */
  readonly otherBackends?: readonly string[];
}

/** What to create. Produced by the CLI from `agentkernel.toml`, flags and the chosen profile. */
export interface SandboxSpec {
  /** The agentkernel sandbox name (validated by core); backends record it as provider metadata. */
  readonly name: string;
  /** Provider image or template; `undefined` means the backend's default. */
  readonly image?: string;
  /**
   * Requested vCPUs. A backend that cannot honour a setting (this one, {@link SandboxSpec.image},
   * {@link SandboxSpec.memoryMb}, {@link SandboxSpec.idleTimeoutMs}) still creates the sandbox, says so
   * once through {@link Logger.info} at create, and lists the setting under {@link NOT_APPLIED_KEY} in the
   * ref's metadata, so it is never shown as applied.
   */
  readonly vcpus?: number;
  /** Requested memory in MiB. */
  readonly memoryMb?: number;
  /** Whether the sandbox may reach the network (`[security] network`). */
  readonly network: boolean;
  /** Ports the sandbox intends to serve, for {@link SandboxHandle.endpoints}. */
  readonly ports: readonly number[];
  /** Environment variables for every command in the sandbox. Values may be secrets: never log them. */
  readonly env: Readonly<Record<string, string>>;
  /** The workspace directory inside the sandbox, normally `/workspace`. It must exist after create. */
  readonly workspaceDir: string;
  /**
   * Provider-side inactivity timeout. Backends that pause on timeout resume automatically on
   * reconnect; others may destroy the sandbox, and `status()` then reports `gone`.
   */
  readonly idleTimeoutMs?: number;
  /**
   * When the sandbox's TTL ends (ISO 8601, UTC); absent when it has none. agentkernel enforces a TTL
   * itself on every backend (commands refuse once it has passed, `sandbox gc` destroys the sandbox), so
   * a backend may ignore this, and lists nothing under {@link NOT_APPLIED_KEY} for it. A backend whose
   * provider can end a sandbox at a given time *and move that time later* also applies it there, so the
   * provider ends the sandbox at its expiry even when `gc` never runs, and then implements
   * {@link SandboxHandle.setExpiry} (E2B, whose sandbox timeout is such a time). A provider timer that
   * counts idleness, or that cannot be moved once set, must not be used for it: an `extend-ttl` could
   * not keep the sandbox alive.
   *
   * Added after v1 was published: a backend written before it never reads it.
   */
  readonly expiresAt?: string;
  /** Extra string labels to attach as provider metadata. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Create the sandbox from a native snapshot of this backend (only when
   * {@link BackendCapabilities.nativeSnapshots}).
   */
  readonly fromSnapshot?: NativeSnapshotHandle;
  /** Cancels a long create. */
  readonly signal?: AbortSignal;
}

/**
 * The {@link SandboxRef.metadata} key where a backend lists, comma-separated, the {@link SandboxSpec}
 * settings it accepted but does not honour (`image`, `vcpus`, `memoryMb`, `idleTimeoutMs`). `sandbox info`
 * shows them as not applied rather than as in force. Absent when everything asked for applies.
 */
export const NOT_APPLIED_KEY = 'agentkernel.notApplied';

/** The settings a sandbox's backend said it does not honour ({@link NOT_APPLIED_KEY}). */
export function notAppliedSettings(ref: SandboxRef): string[] {
  const value = ref.metadata[NOT_APPLIED_KEY];
  return value === undefined || value === '' ? [] : value.split(',');
}

/**
 * The serialisable identity of a sandbox: all that agentkernel keeps in its state file, and all that
 * {@link Backend.reconnect} gets in a later process. It must never contain a secret.
 */
export interface SandboxRef {
  /** {@link BackendPlugin.name} of the backend that created it. */
  readonly backend: string;
  /** The provider's identifier of the sandbox. */
  readonly id: string;
  /** Whatever else the backend needs to reconnect, as strings (a domain, a template id). */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * The sandbox's state as the provider sees it. `gone` means the provider no longer has it (destroyed,
 * expired): operations other than `status` and `destroy` then throw `SandboxGoneError`.
 */
export type SandboxStatus = 'running' | 'stopped' | 'starting' | 'gone' | 'unknown';

/**
 * Receives one chunk of a command's output ({@link ExecOptions.onStdout}, {@link ExecOptions.onStderr}).
 *
 * Backpressure: when the handler returns a promise, the backend hands it no further chunk of that
 * stream until the promise settles, and reads no more than a bounded amount (a few hundred KiB) of that
 * stream from the sandbox meanwhile, so that a slow consumer (the CLI writing into a full pipe) slows
 * the command down instead of growing memory. A remote backend stops pulling its provider's stream;
 * the local backend stops reading the pipe, which blocks the command's writes. Any other return value
 * (nothing, `stream.write`'s boolean) means the chunk was taken. The other stream keeps flowing
 * independently.
 *
 * Nothing is dropped: every byte the command wrote reaches the handler before `exec` resolves, even when
 * the command has already exited and the consumer is still slow. A handler that throws or rejects ends
 * the command as an abort does, and `exec` rejects with an `AgentkernelError` whose `cause` is that
 * error.
 *
 * Memory: a stream given a handler is not also kept: the corresponding {@link ExecResult.stdout} or
 * {@link ExecResult.stderr} is empty, so the backend runs any output size in bounded memory. (A vendor
 * SDK may keep a copy of its own; the backend does not add one.)
 */
export type OutputHandler = (chunk: Uint8Array) => unknown;

/** Options of {@link SandboxHandle.exec}. */
export interface ExecOptions {
  /** Working directory; relative paths are resolved against the workspace directory. */
  readonly cwd?: string;
  /** Extra environment variables for this command, merged over the sandbox's. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Kill the command (and every process it started) after this long. The result then has
   * `timedOut: true` and `exitCode` 137 (128 + SIGKILL); it is still a result, not an exception.
   */
  readonly timeoutMs?: number;
  /** Bytes written to the command's standard input, which is then closed. Without it stdin is empty. */
  readonly stdin?: Uint8Array | Readable;
  /**
   * Receives standard output as it arrives (see {@link BackendCapabilities.streamingExec}), in order and
   * byte for byte. See {@link OutputHandler} for backpressure and for what the result then holds.
   */
  readonly onStdout?: OutputHandler;
  /** Receives standard error as it arrives, never mixed with standard output; as {@link onStdout}. */
  readonly onStderr?: OutputHandler;
  /** Aborting kills the command like a timeout does, and the call rejects with the abort reason. */
  readonly signal?: AbortSignal;
}

/** The outcome of a command. */
export interface ExecResult {
  /**
   * The command's exit status: 0 to 255, or 128 + N when a signal N ended it (137 for SIGKILL). A
   * command that could not be started at all (no such program) reports 127, as a shell would.
   */
  readonly exitCode: number;
  /**
   * Everything the command wrote to standard output, byte for byte; empty when
   * {@link ExecOptions.onStdout} received it instead (see {@link OutputHandler}).
   */
  readonly stdout: Buffer;
  /** Everything the command wrote to standard error, byte for byte; as {@link stdout}. */
  readonly stderr: Buffer;
  /** Wall-clock time of the command as the backend measured it. */
  readonly durationMs: number;
  /** Whether {@link ExecOptions.timeoutMs} ended the command. */
  readonly timedOut: boolean;
}

/** Options of {@link SandboxHandle.writeFile}. */
export interface WriteFileOptions {
  /** POSIX permission bits of a newly written file; `0o644` by default. */
  readonly mode?: number;
}

/** A URL at which a sandbox port is reachable from this machine. */
export interface Endpoint {
  readonly port: number;
  readonly url: string;
}

/**
 * A provider-side snapshot created by {@link SandboxHandle.snapshot}. Stored (as opaque strings) in a
 * portable snapshot's manifest so the same backend can restore natively later.
 */
export interface NativeSnapshotHandle {
  readonly backend: string;
  readonly id: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Options of {@link SandboxHandle.shell}. */
export interface ShellOptions {
  /** Program and arguments; the sandbox's login shell when omitted. */
  readonly argv?: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * One sandbox. Obtained from {@link Backend.create} or {@link Backend.reconnect}; cheap to hold, and
 * safe to drop without calling anything (nothing is leaked by not closing a handle).
 */
export interface SandboxHandle {
  /** What agentkernel stores to find this sandbox again. */
  readonly ref: SandboxRef;

  /** Asks the provider for the sandbox's current state. Never throws for a sandbox that is gone. */
  status(): Promise<SandboxStatus>;

  /**
   * Runs `argv` (no shell unless argv invokes one) and waits for it to end. A non-zero exit is in the
   * result; only transport failures, a gone sandbox or an abort reject.
   */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;

  /** Reads a whole file. Rejects with `NotFoundError` when it does not exist. */
  readFile(path: string): Promise<Buffer>;
  /**
   * Writes a whole file, creating parent directories, replacing an existing file. `data` may be a
   * stream, so large files need not be held in memory.
   */
  writeFile(path: string, data: Uint8Array | Readable, options?: WriteFileOptions): Promise<void>;
  /** Removes a file or a directory tree. Removing something that does not exist succeeds. */
  removeFile(path: string): Promise<void>;
  /** Creates a directory and its parents. Creating one that exists succeeds. */
  mkdir(path: string): Promise<void>;

  /**
   * Unpacks a gzip-compressed tar stream into `dir` (created if missing), keeping modes and symlinks
   * and replacing existing files. Each file is replaced atomically (written under a temporary name and
   * renamed), so an upload interrupted at any point leaves every file either old or new, never torn.
   * Core's workspace sync and snapshot restore are built on this; a backend without a native upload
   * can use core's `putArchiveViaExec`, and one that runs tar itself can run core's `unpackCommand`.
   */
  putArchive(dir: string, archive: Readable): Promise<void>;
  /**
   * Packs `paths` (relative to `dir`; everything in `dir` when omitted) into a gzip-compressed tar
   * stream with entries relative to `dir`. Symlinks are stored as symlinks, never followed. A path that
   * does not exist rejects with `NotFoundError`.
   */
  getArchive(dir: string, paths?: readonly string[]): Promise<Readable>;

  /**
   * URLs for the given sandbox ports (only with {@link BackendCapabilities.ports}; otherwise absent).
   */
  endpoints?(ports: readonly number[]): Promise<Endpoint[]>;

  /**
   * Stops the sandbox. With {@link BackendCapabilities.pauseResume} files are kept and
   * {@link SandboxHandle.start} resumes it; stopping a stopped sandbox succeeds.
   */
  stop(): Promise<void>;
  /** Starts (resumes) the sandbox; starting a running sandbox succeeds and changes nothing. */
  start(): Promise<void>;
  /**
   * Destroys the sandbox and everything in it. Destroying a sandbox that is already gone succeeds, so
   * `destroy` is safe to retry. Afterwards every other operation rejects with `SandboxGoneError`.
   */
  destroy(): Promise<void>;

  /**
   * Moves the provider-side end of the sandbox to `expiresAt` (ISO 8601), later or earlier, when the
   * sandbox's TTL is extended (`sandbox extend-ttl`, `POST /sandboxes/{name}/extend`). Present only on
   * backends that apply {@link SandboxSpec.expiresAt} at the provider; absent means the TTL is
   * agentkernel's alone. Resolves with the ref to keep from now on (a backend that records the expiry in
   * {@link SandboxRef.metadata}, to apply it on reconnect, returns the updated ref; others return
   * {@link SandboxHandle.ref}). A sandbox that is stopped or paused keeps the new expiry for when it is
   * started again; one that is gone rejects with `SandboxGoneError`.
   *
   * Added after v1 was published; no capability flag: callers test for the method.
   */
  setExpiry?(expiresAt: string): Promise<SandboxRef>;

  /** Takes a native snapshot (only with {@link BackendCapabilities.nativeSnapshots}). */
  snapshot?(name: string): Promise<NativeSnapshotHandle>;
  /**
   * Replaces this sandbox's contents with a native snapshot, in place. Optional even with native
   * snapshots: most providers restore by creating a new sandbox ({@link SandboxSpec.fromSnapshot}).
   */
  restoreSnapshot?(snapshot: NativeSnapshotHandle): Promise<void>;
  /**
   * Attaches this process's terminal to an interactive program in the sandbox until it exits, and
   * resolves with its exit code (only with {@link BackendCapabilities.pty}).
   */
  shell?(options?: ShellOptions): Promise<number>;
}

/** A sandbox as {@link Backend.list} reports it. */
export interface SandboxSummary {
  readonly ref: SandboxRef;
  /** The agentkernel name recorded at create time, when the provider kept it. */
  readonly name?: string;
  readonly status: SandboxStatus;
  readonly createdAt?: string;
}

/** Narrows {@link Backend.list}. */
export interface ListFilter {
  /** Only sandboxes whose labels include all of these. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** An opened backend. */
export interface Backend {
  /** The plugin this backend came from. */
  readonly plugin: BackendPlugin;
  /**
   * Creates a sandbox, leaves it running, and ensures {@link SandboxSpec.workspaceDir} exists. A create
   * that fails after the provider accepted it must not leave an orphan: the backend destroys what it
   * made, or finds it again by its creation token when a response was lost.
   */
  create(spec: SandboxSpec): Promise<SandboxHandle>;
  /**
   * Finds a sandbox again from its stored ref, in any process. It does not start a stopped sandbox;
   * for a sandbox that no longer exists it still returns a handle whose `status()` is `gone`.
   */
  reconnect(ref: SandboxRef): Promise<SandboxHandle>;
  /** Lists the sandboxes this backend created (only with {@link BackendCapabilities.list}). */
  list?(filter?: ListFilter): Promise<SandboxSummary[]>;
  /** Deletes a native snapshot (only with {@link BackendCapabilities.nativeSnapshots}). */
  deleteSnapshot?(snapshot: NativeSnapshotHandle): Promise<void>;
  /** Releases clients and sockets. Optional; the CLI calls it before exiting when present. */
  close?(): Promise<void>;
}
