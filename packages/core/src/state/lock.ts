import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StateError } from '../errors/errors.js';
import { messageOf } from '../errors/errors.js';
import {
  type LockInfo,
  type Present,
  processAlive,
  readHolder,
  tryCreate,
  unlinkQuietly,
  unlinkSyncIfOwned,
} from './lock-file.js';

export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;
// A lock file is written within microseconds of its creation; one still unreadable after this long
// was left by a process that died in between.
const UNREADABLE_GRACE_MS = 5_000;
const MAX_BACKOFF_MS = 100;

// Tokens of locks this process is taking or holds. A lock file with our own pid but a token not in here
// was left by an earlier process that had the same pid (common in containers), so it is stale.
const ownTokens = new Set<string>();
// Held lock path by token, for the best-effort release at exit.
const held = new Map<string, string>();
let exitHookInstalled = false;

/**
 * Runs `fn` holding the exclusive lock file `path`, which works across processes: the file is created
 * exclusively and holds pid, host and time. A holder whose process is dead (same host) is taken over;
 * otherwise waits with backoff up to `timeoutMs`, then throws `StateError` `STATE_LOCKED` naming the
 * holder. `what` names the locked thing in messages (`sandbox "x"`).
 */
export async function withFileLock<T>(
  path: string,
  what: string,
  fn: () => Promise<T>,
  timeoutMs = DEFAULT_LOCK_TIMEOUT_MS,
): Promise<T> {
  const token = await acquire(path, what, timeoutMs);
  try {
    return await fn();
  } finally {
    await release(path, token);
  }
}

async function acquire(path: string, what: string, timeoutMs: number): Promise<string> {
  const info: LockInfo = { pid: process.pid, hostname: hostname(), acquiredAt: '', token: randomUUID() };
  ownTokens.add(info.token);
  const deadline = Date.now() + timeoutMs;
  let backoff = 2;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw new StateError(`cannot create ${dirname(path)}: ${messageOf(error)}`, {
        cause: error,
        code: 'STATE_LOCK_FAILED',
      });
    });
    for (;;) {
      info.acquiredAt = new Date().toISOString();
      if (await tryCreate(path, info)) {
        held.set(info.token, path);
        installExitHook();
        return info.token;
      }
      const holder = await readHolder(path);
      if (holder.kind === 'gone') continue;
      if (isStale(holder) && (await breakStale(path, holder))) continue;
      const left = deadline - Date.now();
      if (left <= 0) throw lockedError(path, what, holder, timeoutMs);
      // Jitter keeps two waiters from polling in lockstep.
      await sleep(Math.min(left, backoff * (0.5 + Math.random())));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  } catch (error) {
    ownTokens.delete(info.token);
    throw error;
  }
}

async function release(path: string, token: string): Promise<void> {
  held.delete(token);
  try {
    const holder = await readHolder(path);
    // Never remove a lock that is no longer ours (it was judged stale and taken over).
    if (holder.kind === 'held' && holder.info.token === token) await unlinkQuietly(path);
  } finally {
    ownTokens.delete(token);
  }
}

function isStale(holder: Present): boolean {
  if (holder.kind === 'unreadable') return holder.ageMs > UNREADABLE_GRACE_MS;
  const { pid, token } = holder.info;
  // A process on another host (a shared home directory) cannot be checked, so it is presumed alive.
  if (holder.info.hostname !== hostname()) return false;
  if (pid === process.pid) return !ownTokens.has(token);
  return !processAlive(pid);
}

/**
 * Removes a stale lock so that waiters can compete for it again. Two waiters may judge the same lock
 * stale; a second, short-lived lock (`<path>.break`) makes sure only one removes it, and only while it is
 * still the same stale file, so a fresh lock taken in between is never deleted. Returns false when
 * someone else is already breaking it.
 */
async function breakStale(path: string, stale: Present): Promise<boolean> {
  const guard = `${path}.break`;
  const guardInfo: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: new Date().toISOString(),
    token: randomUUID(),
  };
  ownTokens.add(guardInfo.token);
  try {
    if (!(await tryCreate(guard, guardInfo))) {
      const other = await readHolder(guard);
      if (other.kind === 'gone') return true;
      // The breaker died inside this tiny window; clearing its guard is the only way forward.
      const abandoned = isStale(other);
      if (abandoned) await unlinkQuietly(guard);
      return abandoned;
    }
    try {
      const current = await readHolder(path);
      if (current.kind !== 'gone' && sameHolder(current, stale)) await unlinkQuietly(path);
    } finally {
      await unlinkQuietly(guard);
    }
    return true;
  } finally {
    ownTokens.delete(guardInfo.token);
  }
}

function sameHolder(a: Present, b: Present): boolean {
  if (a.ino !== b.ino || a.kind !== b.kind) return false;
  return a.kind === 'unreadable' || (b.kind === 'held' && a.info.token === b.info.token);
}

function lockedError(path: string, what: string, holder: Present, timeoutMs: number) {
  const waited = `${(timeoutMs / 1000).toFixed(1)} s`;
  if (holder.kind === 'unreadable') {
    return new StateError(`${what} is locked (lock file ${path} is unreadable); waited ${waited}`, {
      code: 'STATE_LOCKED',
      hint: `if no agentkernel command is running, delete ${path}`,
    });
  }
  const { pid, hostname: host, acquiredAt } = holder.info;
  return new StateError(
    `${what} is locked by process ${pid} on ${host} since ${acquiredAt}; waited ${waited}`,
    {
      code: 'STATE_LOCKED',
      hint: `wait for that command to finish; if process ${pid} is not agentkernel, delete ${path}`,
    },
  );
}

// Releases held locks when the process exits without unwinding (process.exit() in a command). A
// process killed by a signal leaves its lock behind; the next one sees the dead pid and takes it over.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [token, path] of held) {
      try {
        unlinkSyncIfOwned(path, token);
      } catch {
        // Exiting anyway: a lock left behind is taken over by the next process.
      }
    }
  });
}
