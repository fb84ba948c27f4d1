import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StateError, StateStore } from '../../src/index.js';
import { startChild } from './child.js';
import { compileForChild } from './compile.js';
import { sampleRecord } from './records.js';

let home: string;
let store: StateStore;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'agentkernel-lock-'));
  store = new StateStore(home);
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function plantLock(name: string, content: string): Promise<string> {
  const file = store.lockFile(name);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  expect(pid).toBeGreaterThan(0);
  return pid;
}

describe('withSandboxLock in one process', () => {
  it('serialises concurrent callers, returns the result and removes the lock file', async () => {
    const events: string[] = [];
    const task = (id: string) =>
      store.withSandboxLock('dev', async () => {
        events.push(`start ${id}`);
        await sleep(20);
        events.push(`end ${id}`);
        return id;
      });
    expect(await Promise.all([task('a'), task('b'), task('c')])).toEqual(['a', 'b', 'c']);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]!.replace('start', '')).toBe(events[i + 1]!.replace('end', ''));
    }
    expect(existsSync(store.lockFile('dev'))).toBe(false);
  });

  it('releases the lock when the function throws', async () => {
    await expect(store.withSandboxLock('dev', () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(existsSync(store.lockFile('dev'))).toBe(false);
    expect(await store.withSandboxLock('dev', async () => 'again')).toBe('again');
  });

  it('locks each sandbox separately', async () => {
    await store.withSandboxLock('one', () =>
      store.withSandboxLock('two', async () => undefined, { timeoutMs: 100 }),
    );
  });

  it('takes over a lock whose process is dead', async () => {
    const pid = deadPid();
    const file = await plantLock(
      'dev',
      JSON.stringify({ pid, hostname: hostname(), acquiredAt: 'then', token: 't' }),
    );
    const started = Date.now();
    expect(await store.withSandboxLock('dev', async () => 'mine', { timeoutMs: 1000 })).toBe('mine');
    expect(Date.now() - started).toBeLessThan(500);
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a lock left by an earlier process that had our pid', async () => {
    await plantLock(
      'dev',
      JSON.stringify({ pid: process.pid, hostname: hostname(), acquiredAt: 'then', token: 'old' }),
    );
    expect(await store.withSandboxLock('dev', async () => 'mine', { timeoutMs: 1000 })).toBe('mine');
  });

  it('waits for a live holder, then fails naming its pid', async () => {
    const live = process.ppid;
    await plantLock(
      'dev',
      JSON.stringify({ pid: live, hostname: hostname(), acquiredAt: 'earlier', token: 't' }),
    );
    const started = Date.now();
    const error = (await store
      .withSandboxLock('dev', async () => 'never', { timeoutMs: 300 })
      .catch((e: unknown) => e)) as StateError;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error).toBeInstanceOf(StateError);
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toContain(
      `sandbox "dev" is locked by process ${live} on ${hostname()} since earlier`,
    );
    expect(error.hint).toContain(store.lockFile('dev'));
    expect(existsSync(store.lockFile('dev'))).toBe(true);
  });

  it('presumes a holder on another host alive', async () => {
    await plantLock(
      'dev',
      JSON.stringify({ pid: deadPid(), hostname: 'elsewhere', acquiredAt: 'x', token: 't' }),
    );
    await expect(store.withSandboxLock('dev', async () => 1, { timeoutMs: 150 })).rejects.toMatchObject({
      code: 'STATE_LOCKED',
    });
  });

  it('waits on an unreadable lock file while it is fresh and takes it over once old', async () => {
    const file = await plantLock('dev', '');
    await expect(store.withSandboxLock('dev', async () => 1, { timeoutMs: 150 })).rejects.toThrow(
      /lock file .* is unreadable/,
    );
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    expect(await store.withSandboxLock('dev', async () => 2, { timeoutMs: 1000 })).toBe(2);
  });
});

describe('withSandboxLock across processes', () => {
  let moduleUrl: string;
  const N = 40;

  beforeAll(async () => {
    moduleUrl = await compileForChild('state/index.ts');
  });

  async function race(locked: boolean): Promise<number> {
    await store.writeSandbox(
      sampleRecord('dev', { ref: { backend: 'e2b', id: 'i', metadata: { counter: '0' } } }),
    );
    const children = [0, 1].map(() =>
      startChild(moduleUrl, home, 'count', 'dev', String(N), locked ? 'locked' : 'unlocked'),
    );
    await Promise.all(children.map((c) => c.waitFor('ready')));
    for (const child of children) child.process.stdin!.end('go\n');
    await Promise.all(children.map((c) => c.exited()));
    return Number((await store.requireSandbox('dev')).ref.metadata.counter);
  }

  it('two processes doing read-increment-write under the lock lose no update', async () => {
    expect(await race(true)).toBe(2 * N);
  });

  it('the same processes without the lock do lose updates (so the test above can fail)', async () => {
    expect(await race(false)).toBeLessThan(2 * N);
  });

  it('releases the lock when a process exits while holding it', async () => {
    const child = startChild(moduleUrl, home, 'exit', 'dev');
    await child.exited();
    expect(existsSync(join(home, 'locks'))).toBe(true);
    expect(existsSync(store.lockFile('dev'))).toBe(false);
  });

  it('takes over the lock of a process killed while holding it', async () => {
    const holder = startChild(moduleUrl, home, 'hold', 'dev');
    await holder.waitFor('held');
    await expect(store.withSandboxLock('dev', async () => 0, { timeoutMs: 100 })).rejects.toThrow(
      `locked by process ${holder.process.pid}`,
    );
    holder.process.kill('SIGKILL');
    await holder.exited().catch(() => undefined);
    expect(existsSync(store.lockFile('dev'))).toBe(true);
    expect(await store.withSandboxLock('dev', async () => 'taken over', { timeoutMs: 1000 })).toBe(
      'taken over',
    );
  });
});
