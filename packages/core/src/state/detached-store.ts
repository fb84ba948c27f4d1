import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { validateDetachedId } from '../detached/detached.js';
import { messageOf, StateError } from '../errors/errors.js';
import { validateSandboxName } from '../names.js';
import { atomicWriteFile } from './atomic.js';

/**
 * What agentkernel keeps about one detached command (`exec --detach`) in
 * `<home>/exec/<sandbox>/<id>.json`, so that any later process lists, follows and kills it. Its output
 * stays in the sandbox, under {@link DetachedCommandRecord.logDir}.
 */
export interface DetachedCommandRecord {
  version: 1;
  id: string;
  sandbox: string;
  command: string[];
  /** The pid in the sandbox of the command's session leader. */
  pid: number;
  /** The folder in the sandbox holding its `stdout`, `stderr` and `exit`. */
  logDir: string;
  startedAt: string;
  /** Set once it is known to have ended: its exit code (137 when killed), or null when it was lost. */
  exitCode?: number | null;
  /** Whether `exec-kill` ended it. */
  killed?: boolean;
}

function isRecord(value: unknown): value is DetachedCommandRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.version === 1 &&
    typeof record.id === 'string' &&
    typeof record.sandbox === 'string' &&
    Array.isArray(record.command) &&
    record.command.every((word) => typeof word === 'string') &&
    Number.isInteger(record.pid) &&
    typeof record.logDir === 'string' &&
    typeof record.startedAt === 'string'
  );
}

/** The detached commands of every sandbox, under `<home>/exec/`. Names and ids are checked before they become paths. */
export class DetachedStore {
  readonly #root: string;

  constructor(home: string) {
    this.#root = join(resolve(home), 'exec');
  }

  dir(sandbox: string): string {
    return join(this.#root, validateSandboxName(sandbox));
  }

  file(sandbox: string, id: string): string {
    return join(this.dir(sandbox), `${validateDetachedId(id)}.json`);
  }

  async write(record: DetachedCommandRecord): Promise<void> {
    await atomicWriteFile(this.file(record.sandbox, record.id), `${JSON.stringify(record, null, 2)}\n`, {
      mode: 0o600,
    });
  }

  /** The record, or `undefined` when there is none; a damaged one is a `StateError` naming its file. */
  async read(sandbox: string, id: string): Promise<DetachedCommandRecord | undefined> {
    const file = this.file(sandbox, id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!isRecord(value) || value.id !== id || value.sandbox !== sandbox) {
      throw new StateError(`state file ${file} is corrupt: not a detached command record`, {
        code: 'STATE_CORRUPT',
        hint: `delete ${file}`,
      });
    }
    return value;
  }

  /** Every record of a sandbox, oldest first; damaged files are named in `problems`. */
  async list(sandbox: string): Promise<{ records: DetachedCommandRecord[]; problems: string[] }> {
    let entries: string[];
    try {
      entries = await readdir(this.dir(sandbox));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
      throw new StateError(`cannot list ${this.dir(sandbox)}: ${messageOf(error)}`, { cause: error });
    }
    const records: DetachedCommandRecord[] = [];
    const problems: string[] = [];
    for (const entry of entries) {
      const id = /^([0-9a-f]{8})\.json$/.exec(entry)?.[1];
      if (id === undefined) continue;
      try {
        const record = await this.read(sandbox, id);
        if (record !== undefined) records.push(record);
      } catch (error) {
        problems.push(messageOf(error));
      }
    }
    records.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
    return { records, problems };
  }

  /** Forgets every detached command of a sandbox (it was removed). */
  async removeAll(sandbox: string): Promise<void> {
    await rm(this.dir(sandbox), { recursive: true, force: true });
  }
}
