import { readFileSync, unlinkSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { StateError } from '../errors/errors.js';
import { messageOf } from '../errors/errors.js';

/** What a lock file holds: who took it, so that others can tell a live holder from a dead one. */
export interface LockInfo {
  pid: number;
  hostname: string;
  acquiredAt: string;
  token: string;
}

export type Holder =
  | { kind: 'gone' }
  | { kind: 'held'; info: LockInfo; ino: number }
  // Being written right now, or damaged; judged by age.
  | { kind: 'unreadable'; ino: number; ageMs: number };

/** A lock file that exists. */
export type Present = Exclude<Holder, { kind: 'gone' }>;

/** Creates `path` exclusively with `info`; false when it already exists. */
export async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateError(`cannot create lock file ${path}: ${messageOf(error)}`, {
      cause: error,
      code: 'STATE_LOCK_FAILED',
    });
  }
  try {
    await handle.writeFile(JSON.stringify(info));
  } finally {
    await handle.close();
  }
  return true;
}

export async function readHolder(path: string): Promise<Holder> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw new StateError(`cannot read lock file ${path}: ${messageOf(error)}`, {
      cause: error,
      code: 'STATE_LOCK_FAILED',
    });
  }
  try {
    const stats = await handle.stat();
    const info = parseInfo(await handle.readFile('utf8'));
    if (info !== undefined) return { kind: 'held', info, ino: stats.ino };
    return { kind: 'unreadable', ino: stats.ino, ageMs: Date.now() - stats.mtimeMs };
  } finally {
    await handle.close();
  }
}

export function parseInfo(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo> | null;
    if (
      typeof value?.pid === 'number' &&
      typeof value.hostname === 'string' &&
      typeof value.token === 'string'
    ) {
      return {
        pid: value.pid,
        hostname: value.hostname,
        token: value.token,
        acquiredAt: String(value.acquiredAt),
      };
    }
  } catch {
    // Not JSON (yet): reported as unreadable.
  }
  return undefined;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StateError(`cannot remove lock file ${path}: ${messageOf(error)}`, {
        cause: error,
        code: 'STATE_LOCK_FAILED',
      });
    }
  }
}

/** Removes `path` now if it still holds `token`; for the exit hook, where nothing async runs. */
export function unlinkSyncIfOwned(path: string, token: string): void {
  if (parseInfo(readFileSync(path, 'utf8'))?.token === token) unlinkSync(path);
}
