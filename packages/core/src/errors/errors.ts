import { redact } from './redactor.js';

const MARKER = Symbol.for('agentkernel.error');

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
  readonly code: string;
  readonly exitCode: number;
  readonly backend: string | undefined;
  readonly hint: string | undefined;
  /** The message without the prefix, redacted. */
  readonly detail: string;

  constructor(code: string, message: string, exitCode: number, options: AgentkernelErrorOptions = {}) {
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
  static isInstance(error: unknown): error is AgentkernelError {
    return typeof error === 'object' && error !== null && (error as { [MARKER]?: unknown })[MARKER] === true;
  }
}

/** A flag, argument or value given by the user is wrong. Exit code 2. */
export class UsageError extends AgentkernelError {
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
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options?: AgentkernelErrorOptions) {
    super('CONFIG_INVALID', issues.map(formatConfigIssue).join('\n'), ExitCode.usage, options);
    this.issues = issues;
  }
}

/** A required credential is not set anywhere. Exit code 2. */
export class CredentialsMissingError extends AgentkernelError {
  constructor(backend: string, missing: readonly { key: string; env: readonly string[] }[]) {
    const list = missing
      .map((m) => `${m.key} (set ${m.env.join(' or ') || `[remote.${backend}] ${m.key}_env`})`)
      .join(', ');
    super('CREDENTIALS_MISSING', `missing credentials: ${list}`, ExitCode.usage, { backend });
  }
}

/** The provider or the backend failed. Exit code 3. */
export class BackendError extends AgentkernelError {
  constructor(
    backend: string,
    message: string,
    options?: Omit<AgentkernelErrorOptions, 'backend'> & { code?: string },
  ) {
    super(options?.code ?? 'BACKEND', message, ExitCode.backend, { ...options, backend });
  }
}

/** An optional capability was called on a backend that does not declare it. Exit code 3. */
export class CapabilityUnsupportedError extends AgentkernelError {
  readonly capability: string;
  constructor(backend: string, capability: string) {
    super('CAPABILITY_UNSUPPORTED', `backend "${backend}" does not support ${capability}`, ExitCode.backend, {
      backend,
    });
    this.capability = capability;
  }
}

/** A plugin declares a contract version this core cannot load. Exit code 3. */
export class UnsupportedSpecificationError extends AgentkernelError {
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
  constructor(backend: string, message: string, options?: Omit<AgentkernelErrorOptions, 'backend'>) {
    super('BACKEND_NOT_AVAILABLE', message, ExitCode.backend, { ...options, backend });
  }
}

/** The requested backend plugin is not installed. Exit code 2. */
export class PluginNotFoundError extends AgentkernelError {
  constructor(name: string, packageName: string, options?: AgentkernelErrorOptions) {
    super('PLUGIN_NOT_FOUND', `no backend plugin "${name}" is installed`, ExitCode.usage, {
      hint: `install it: npm install ${packageName}`,
      ...options,
    });
  }
}

/** A sandbox, snapshot, file or other named thing does not exist. Exit code 5. */
export class NotFoundError extends AgentkernelError {
  constructor(message: string, options?: AgentkernelErrorOptions & { code?: string }) {
    super(options?.code ?? 'NOT_FOUND', message, ExitCode.notFound, options);
  }
}

/** The sandbox was destroyed or expired at the provider. Exit code 5. */
export class SandboxGoneError extends NotFoundError {
  constructor(backend: string, id: string, options?: Omit<AgentkernelErrorOptions, 'backend'>) {
    super(`sandbox ${id} no longer exists`, { ...options, backend, code: 'SANDBOX_GONE' });
  }
}

/** Both sides changed the same paths since the last sync. Exit code 4. */
export class SyncConflictError extends AgentkernelError {
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
  constructor(message: string, options?: AgentkernelErrorOptions & { code?: string }) {
    super(options?.code ?? 'STATE', message, ExitCode.backend, options);
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
