import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  AgentkernelError,
  messageOf,
  SandboxNotFoundError,
  StateCorruptError,
  StateError,
  type ErrorCode,
} from '../errors/errors.js';
import { isValidSandboxName, validateSandboxName } from '../names.js';
import { atomicWriteFile } from './atomic.js';
import { AuditLog } from './audit.js';
import { DetachedStore } from './detached-store.js';
import { QUICK_SUFFIX } from '../sync/quick-check.js';
import { withFileLock } from './lock.js';
import { recordProblem, secretPath, type SandboxRecord } from './record.js';

const RECORD_SUFFIX = '.json';
const SYNC_SUFFIX = '.sync.json';

/**
 * Local state under one home directory (DESIGN.md section 6): `sandboxes/<name>.json` records,
 * `sandboxes/<name>.sync.json` sync manifests, `snapshots/`, per-sandbox `locks/` and `audit.jsonl`.
 * Every name is validated before it becomes a path, so no name can reach outside the home.
 */
export class StateStore {
  readonly home: string;
  readonly snapshotsDir: string;
  readonly #sandboxesDir: string;
  readonly #locksDir: string;
  #detached: DetachedStore | undefined;
  #audit: AuditLog | undefined;

  constructor(home: string) {
    this.home = resolve(home);
    this.snapshotsDir = join(this.home, 'snapshots');
    this.#sandboxesDir = join(this.home, 'sandboxes');
    this.#locksDir = join(this.home, 'locks');
  }

  /** `<home>/sandboxes/<name>.json`. */
  sandboxFile(name: string): string {
    return join(this.#sandboxesDir, validateSandboxName(name) + RECORD_SUFFIX);
  }

  /** `<home>/sandboxes/<name>.sync.json`, the last-synced manifest written by the sync engine. */
  syncManifestFile(name: string): string {
    return join(this.#sandboxesDir, validateSandboxName(name) + SYNC_SUFFIX);
  }

  /** `<home>/locks/<name>.lock`. */
  lockFile(name: string): string {
    return join(this.#locksDir, `${validateSandboxName(name)}.lock`);
  }

  /** The record, or `undefined` when there is none; `StateError` `STATE_CORRUPT` naming the file if bad. */
  async readSandbox(name: string): Promise<SandboxRecord | undefined> {
    const file = this.sandboxFile(name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateError(`cannot read state file ${file}: ${messageOf(error)}`, {
        cause: error,
        code: 'STATE_UNREADABLE',
      });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new StateCorruptError(file, `not valid JSON (${messageOf(error)})`, { cause: error });
    }
    const problem = recordProblem(value);
    if (problem !== undefined) throw new StateCorruptError(file, problem);
    const record = value as SandboxRecord;
    if (record.name !== name) throw new StateCorruptError(file, `it describes sandbox "${record.name}"`);
    return record;
  }

  /** The record; `NotFoundError` `SANDBOX_NOT_FOUND` when there is none. */
  async requireSandbox(name: string): Promise<SandboxRecord> {
    const record = await this.readSandbox(name);
    if (record !== undefined) return record;
    throw new SandboxNotFoundError(name);
  }

  /**
   * Writes the record atomically (mode 0600). Refuses, writing nothing, a record of the wrong shape
   * (`STATE_INVALID_RECORD`) and one holding a registered secret value (`STATE_SECRET`).
   */
  async writeSandbox(record: SandboxRecord): Promise<void> {
    const name = validateSandboxName(record.name);
    const problem = recordProblem(record);
    if (problem !== undefined) {
      throw new StateError(`refusing to write state for sandbox "${name}": ${problem}`, {
        code: 'STATE_INVALID_RECORD',
      });
    }
    const secret = secretPath(record);
    if (secret !== undefined) {
      throw new StateError(
        `refusing to write state for sandbox "${name}": ${secret} holds a credential value`,
        {
          code: 'STATE_SECRET',
          hint: 'a backend must keep secrets out of its SandboxRef; they are resolved again from config on reconnect',
        },
      );
    }
    await fsStep(`cannot create ${this.#sandboxesDir}`, 'STATE_WRITE_FAILED', () =>
      mkdir(this.#sandboxesDir, { recursive: true, mode: 0o700 }),
    );
    await atomicWriteFile(this.sandboxFile(name), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  }

  /** The sandboxes' detached commands (`exec --detach`). */
  get detached(): DetachedStore {
    this.#detached ??= new DetachedStore(this.home);
    return this.#detached;
  }

  /** The audit log of this home (`audit.jsonl`). */
  get audit(): AuditLog {
    this.#audit ??= new AuditLog(this.home);
    return this.#audit;
  }

  /** Removes the record, its sync manifest (and quick check) and its detached commands; removing what does not exist succeeds. */
  async removeSandbox(name: string): Promise<void> {
    const manifest = this.syncManifestFile(name);
    for (const file of [this.sandboxFile(name), manifest, manifest + QUICK_SUFFIX]) {
      await fsStep(`cannot remove ${file}`, 'STATE_WRITE_FAILED', () => rm(file, { force: true }));
    }
    const detached = this.detached.dir(name);
    await fsStep(`cannot remove ${detached}`, 'STATE_WRITE_FAILED', () => this.detached.removeAll(name));
  }

  /** Every readable record, sorted by name; a bad file is a named problem, not an exception. */
  async listSandboxes(): Promise<{ records: SandboxRecord[]; problems: string[] }> {
    let entries: string[];
    try {
      entries = await readdir(this.#sandboxesDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
      throw new StateError(`cannot list ${this.#sandboxesDir}: ${messageOf(error)}`, {
        cause: error,
        code: 'STATE_UNREADABLE',
      });
    }
    const records: SandboxRecord[] = [];
    const problems: string[] = [];
    const names = entries
      .filter(
        (entry) => entry.endsWith(RECORD_SUFFIX) && !entry.endsWith(SYNC_SUFFIX) && !entry.startsWith('.'),
      )
      .map((entry) => entry.slice(0, -RECORD_SUFFIX.length))
      .sort();
    for (const name of names) {
      if (!isValidSandboxName(name)) {
        problems.push(`${join(this.#sandboxesDir, name + RECORD_SUFFIX)}: not a valid sandbox name, ignored`);
        continue;
      }
      try {
        const record = await this.readSandbox(name);
        if (record !== undefined) records.push(record);
      } catch (error) {
        if (!AgentkernelError.isInstance(error)) throw error;
        problems.push(error.detail);
      }
    }
    return { records, problems };
  }

  /**
   * Runs `fn` holding this sandbox's lock, which serialises every process working on it. Waits up to
   * `timeoutMs` (30 s by default), then throws `StateError` `STATE_LOCKED` naming the holder.
   */
  async withSandboxLock<T>(
    name: string,
    fn: () => Promise<T>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    return withFileLock(this.lockFile(name), `sandbox "${name}"`, fn, options.timeoutMs);
  }
}

async function fsStep<T>(what: string, code: ErrorCode, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new StateError(`${what}: ${messageOf(error)}`, { cause: error, code });
  }
}
