import { redact } from './redactor.js';

/**
 * Every code an `AgentkernelError` carries. Callers match errors with each class's `isInstance()`; the
 * code is what `--json` prints and what a test asserts, so it is one of these, never a free string.
 */
export type CoreErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'CREDENTIALS_MISSING'
  | 'BACKEND'
  | 'BACKEND_NOT_AVAILABLE'
  | 'CAPABILITY_UNSUPPORTED'
  | 'CREATE_LEFT_SANDBOX'
  | 'SPECIFICATION_UNSUPPORTED'
  | 'PLUGIN_NOT_FOUND'
  | 'PLUGIN_LOAD_FAILED'
  | 'PLUGIN_INVALID'
  | 'ISOLATION'
  | 'ISOLATION_UNAVAILABLE'
  | 'NOT_FOUND'
  | 'SANDBOX_NOT_FOUND'
  | 'SANDBOX_GONE'
  | 'SANDBOX_STOPPED'
  | 'SANDBOX_EXPIRED'
  | 'SNAPSHOT_NOT_FOUND'
  | 'DETACHED_NOT_FOUND'
  | 'DETACHED_LOG_GONE'
  | 'SNAPSHOT_MANIFEST_INVALID'
  | 'SNAPSHOT_CHECKSUM_MISMATCH'
  | 'SYNC_CONFLICT'
  | 'SYNC_UNSAFE_ENTRY'
  | 'STATE'
  | 'STATE_CORRUPT'
  | 'STATE_UNREADABLE'
  | 'STATE_INVALID_RECORD'
  | 'STATE_SECRET'
  | 'STATE_WRITE_FAILED'
  | 'STATE_LOCKED'
  | 'STATE_LOCK_FAILED'
  | 'INTERRUPTED';

/** The codes a provider plugin raises for its own failures, prefixed with its name: `E2B_AUTH`, `MODAL_ERROR`. */
export type ProviderErrorCode = `${Uppercase<string>}_${'AUTH' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'ERROR'}`;

export type ErrorCode = CoreErrorCode | ProviderErrorCode;

/** The `Symbol.for` key of a class's marker: the same in every copy of core, so markers match across copies. */
function markerOf(name: string): symbol {
  return Symbol.for(`agentkernel.error.${name}`);
}

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

// The base keeps the marker it has always had, so errors from older copies of core are still recognised.
const MARKER = Symbol.for('agentkernel.error');
const USAGE = markerOf('UsageError');
const CONFIG = markerOf('ConfigError');
const CREDENTIALS_MISSING = markerOf('CredentialsMissingError');
const BACKEND = markerOf('BackendError');
const CAPABILITY_UNSUPPORTED = markerOf('CapabilityUnsupportedError');
const SPECIFICATION_UNSUPPORTED = markerOf('UnsupportedSpecificationError');
const BACKEND_NOT_AVAILABLE = markerOf('BackendNotAvailableError');
const PLUGIN_NOT_FOUND = markerOf('PluginNotFoundError');
const NOT_FOUND = markerOf('NotFoundError');
const SANDBOX_NOT_FOUND = markerOf('SandboxNotFoundError');
const SANDBOX_GONE = markerOf('SandboxGoneError');
const SANDBOX_EXPIRED = markerOf('SandboxExpiredError');
const SYNC_CONFLICT = markerOf('SyncConflictError');
const STATE = markerOf('StateError');
const STATE_CORRUPT = markerOf('StateCorruptError');

/** The CLI exit codes of DESIGN.md section 9. */
export const ExitCode = {
  usage: 2,
  backend: 3,
  conflict: 4,
  notFound: 5,
  internal: 70,
} as const;

export interface AgentkernelErrorOptions {
  /** The backend the error concerns; it becomes the `[<backend>]` part of the message. */
  backend?: string;
  cause?: unknown;
  /** A suggested next step, printed on its own line by the CLI. */
  hint?: string;
}

/**
 * The base of every error core and backends throw. The message is redacted and prefixed with
 * `[agentkernel]` and, when known, `[<backend>]`.
 */
export class AgentkernelError extends Error {
  readonly [MARKER] = true;
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly backend: string | undefined;
  readonly hint: string | undefined;
  /** The message without the prefix, redacted. */
  readonly detail: string;

  constructor(code: ErrorCode, message: string, exitCode: number, options: AgentkernelErrorOptions = {}) {
    const detail = redact(message);
    const prefix = options.backend ? `[agentkernel] [${options.backend}] ` : '[agentkernel] ';
    super(prefix + detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.backend = options.backend;
    this.hint = options.hint === undefined ? undefined : redact(options.hint);
    this.detail = detail;
  }

  /** True for errors from any copy of core, where `instanceof` fails across copies. */
  static isInstance(value: unknown): value is AgentkernelError {
    return hasMarker(value, MARKER);
  }
}

/** A flag, argument or value given by the user is wrong. Exit code 2. */
export class UsageError extends AgentkernelError {
  readonly [USAGE] = true;
  static override isInstance(value: unknown): value is UsageError {
    return hasMarker(value, USAGE);
  }
  constructor(message: string, options?: AgentkernelErrorOptions) {
    super('USAGE', message, ExitCode.usage, options);
  }
}

/** One problem found in a config file, with where it is. */
export interface ConfigIssue {
  file: string;
  line?: number;
  /** Dotted key path, e.g. `remote.e2b.api_key_env`. */
  key?: string;
  message: string;
}

/** Formats an issue as `file:line: key: message`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return issue.key === undefined ? `${where}: ${issue.message}` : `${where}: ${issue.key}: ${issue.message}`;
}

/** `agentkernel.toml` is malformed or has invalid values. Exit code 2. */
export class ConfigError extends AgentkernelError {
  readonly [CONFIG] = true;
  static override isInstance(value: unknown): value is ConfigError {
    return hasMarker(value, CONFIG);
  }
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options?: AgentkernelErrorOptions) {
    super('CONFIG_INVALID', issues.map(formatConfigIssue).join('\n'), ExitCode.usage, options);
    this.issues = issues;
  }
}

/** A required credential is not set anywhere. Exit code 2. */
export class CredentialsMissingError extends AgentkernelError {
  readonly [CREDENTIALS_MISSING] = true;
  static override isInstance(value: unknown): value is CredentialsMissingError {
    return hasMarker(value, CREDENTIALS_MISSING);
  }
  constructor(backend: string, missing: readonly { key: string; env: readonly string[] }[]) {
    const list = missing
      .map((m) => `${m.key} (set ${m.env.join(' or ') || `[remote.${backend}] ${m.key}_env`})`)
      .join(', ');
    super('CREDENTIALS_MISSING', `missing credentials: ${list}`, ExitCode.usage, { backend });
  }
}

/** The provider or the backend failed. Exit code 3. */
export class BackendError extends AgentkernelError {
  readonly [BACKEND] = true;
  static override isInstance(value: unknown): value is BackendError {
    return hasMarker(value, BACKEND);
  }
  constructor(
    backend: string,
    message: string,
    options?: Omit<AgentkernelErrorOptions, 'backend'> & { code?: ErrorCode },
  ) {
    super(options?.code ?? 'BACKEND', message, ExitCode.backend, { ...options, backend });
  }
}

/** An optional capability was called on a backend that does not declare it. Exit code 3. */
export class CapabilityUnsupportedError extends AgentkernelError {
  readonly [CAPABILITY_UNSUPPORTED] = true;
  static override isInstance(value: unknown): value is CapabilityUnsupportedError {
    return hasMarker(value, CAPABILITY_UNSUPPORTED);
  }
  readonly capability: string;
  /** `hint` says what to do instead, e.g. the command that works on every backend. */
  constructor(backend: string, capability: string, hint?: string) {
    super('CAPABILITY_UNSUPPORTED', `backend "${backend}" does not support ${capability}`, ExitCode.backend, {
      backend,
      ...(hint === undefined ? {} : { hint }),
    });
    this.capability = capability;
  }
}

/** A plugin declares a contract version this core cannot load. Exit code 3. */
export class UnsupportedSpecificationError extends AgentkernelError {
  readonly [SPECIFICATION_UNSUPPORTED] = true;
  static override isInstance(value: unknown): value is UnsupportedSpecificationError {
    return hasMarker(value, SPECIFICATION_UNSUPPORTED);
  }
  constructor(plugin: string, version: unknown, supported: readonly string[]) {
    super(
      'SPECIFICATION_UNSUPPORTED',
      `plugin "${plugin}" declares specificationVersion ${JSON.stringify(version)}; this agentkernel supports ${supported.join(', ')}`,
      ExitCode.backend,
      {
        hint: `upgrade @agentkernel/cli or install a version of ${plugin} built for ${supported.join(' or ')}`,
      },
    );
  }
}

/** A plugin exists but cannot run sandboxes (a stub, or its live adapter is missing). Exit code 3. */
export class BackendNotAvailableError extends AgentkernelError {
  readonly [BACKEND_NOT_AVAILABLE] = true;
  static override isInstance(value: unknown): value is BackendNotAvailableError {
    return hasMarker(value, BACKEND_NOT_AVAILABLE);
  }
  constructor(backend: string, message: string, options?: Omit<AgentkernelErrorOptions, 'backend'>) {
    super('BACKEND_NOT_AVAILABLE', message, ExitCode.backend, { ...options, backend });
  }
}

/** The requested backend plugin is not installed. Exit code 2. */
export class PluginNotFoundError extends AgentkernelError {
  readonly [PLUGIN_NOT_FOUND] = true;
  static override isInstance(value: unknown): value is PluginNotFoundError {
    return hasMarker(value, PLUGIN_NOT_FOUND);
  }
  constructor(name: string, packageName: string, options?: AgentkernelErrorOptions) {
    super('PLUGIN_NOT_FOUND', `no backend plugin "${name}" is installed`, ExitCode.usage, {
      hint: `install it: npm install ${packageName}`,
      ...options,
    });
  }
}

/** A sandbox, snapshot, file or other named thing does not exist. Exit code 5. */
export class NotFoundError extends AgentkernelError {
  readonly [NOT_FOUND] = true;
  static override isInstance(value: unknown): value is NotFoundError {
    return hasMarker(value, NOT_FOUND);
  }
  constructor(message: string, options?: AgentkernelErrorOptions & { code?: ErrorCode }) {
    super(options?.code ?? 'NOT_FOUND', message, ExitCode.notFound, options);
  }
}

/** No sandbox of that name in local state. Exit code 5. */
export class SandboxNotFoundError extends NotFoundError {
  readonly [SANDBOX_NOT_FOUND] = true;
  static override isInstance(value: unknown): value is SandboxNotFoundError {
    return hasMarker(value, SANDBOX_NOT_FOUND);
  }
  constructor(name: string, options?: AgentkernelErrorOptions) {
    super(`no sandbox named "${name}"`, {
      hint: 'see the sandboxes you have with: agentkernel sandbox list',
      ...options,
      code: 'SANDBOX_NOT_FOUND',
    });
  }
}

/** The sandbox was destroyed or expired at the provider. Exit code 5. */
export class SandboxGoneError extends NotFoundError {
  readonly [SANDBOX_GONE] = true;
  static override isInstance(value: unknown): value is SandboxGoneError {
    return hasMarker(value, SANDBOX_GONE);
  }
  constructor(backend: string, id: string, options?: Omit<AgentkernelErrorOptions, 'backend'>) {
    super(`sandbox ${id} no longer exists`, { ...options, backend, code: 'SANDBOX_GONE' });
  }
}

/**
 * The sandbox's TTL has passed: commands that use it refuse (it is `sandbox gc`'s to remove) until
 * `sandbox extend-ttl` gives it more time. Exit code 2.
 */
export class SandboxExpiredError extends AgentkernelError {
  readonly [SANDBOX_EXPIRED] = true;
  static override isInstance(value: unknown): value is SandboxExpiredError {
    return hasMarker(value, SANDBOX_EXPIRED);
  }
  constructor(name: string, expiresAt: string, options?: AgentkernelErrorOptions) {
    super('SANDBOX_EXPIRED', `sandbox "${name}" expired at ${expiresAt}`, ExitCode.usage, {
      hint: `give it more time with: agentkernel sandbox extend-ttl ${name} --by 1h (or remove it: agentkernel sandbox gc)`,
      ...options,
    });
  }
}

/** Both sides changed the same paths since the last sync. Exit code 4. */
export class SyncConflictError extends AgentkernelError {
  readonly [SYNC_CONFLICT] = true;
  static override isInstance(value: unknown): value is SyncConflictError {
    return hasMarker(value, SYNC_CONFLICT);
  }
  readonly paths: readonly string[];
  constructor(paths: readonly string[], options?: AgentkernelErrorOptions) {
    const shown = paths.slice(0, 20).map((p) => `  ${p}`);
    if (paths.length > 20) shown.push(`  ... and ${paths.length - 20} more`);
    super(
      'SYNC_CONFLICT',
      `changed both locally and in the sandbox since the last sync:\n${shown.join('\n')}`,
      ExitCode.conflict,
      {
        hint: 'rerun with --prefer local or --prefer remote to choose which side wins',
        ...options,
      },
    );
    this.paths = paths;
  }
}

/** Local state (a state file, a lock) is unusable. Exit code 3. */
export class StateError extends AgentkernelError {
  readonly [STATE] = true;
  static override isInstance(value: unknown): value is StateError {
    return hasMarker(value, STATE);
  }
  constructor(message: string, options?: AgentkernelErrorOptions & { code?: ErrorCode }) {
    super(options?.code ?? 'STATE', message, ExitCode.backend, options);
  }
}

/** A state file exists but cannot be understood; the message names it. Exit code 3. */
export class StateCorruptError extends StateError {
  readonly [STATE_CORRUPT] = true;
  static override isInstance(value: unknown): value is StateCorruptError {
    return hasMarker(value, STATE_CORRUPT);
  }
  constructor(file: string, problem: string, options?: AgentkernelErrorOptions) {
    super(`state file ${file} is corrupt: ${problem}`, {
      hint: `fix or delete ${file}`,
      ...options,
      code: 'STATE_CORRUPT',
    });
  }
}

/** Maps any thrown value to the CLI's exit code. */
export function exitCodeFor(error: unknown): number {
  return AgentkernelError.isInstance(error) ? error.exitCode : ExitCode.internal;
}

/** The message of a thrown value, for wrapping it in a clearer error (the original stays as `cause`). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
