import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentkernelError } from '@agentkernel/core';
import {
  completion,
  openLocal,
  otherProcess,
  printed,
  processesWith,
  spec,
  tempDataDir,
  uniqueSleep,
} from './helpers.js';

const { dataDir, cleanup } = tempDataDir();
afterAll(cleanup);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('processes across CLI invocations', () => {
  it('stop from another process kills every command of the sandbox and refuses new ones', async () => {
    const { backend } = await openLocal(dataDir);
    const sandbox = await backend.create(spec({ name: 'stopped-elsewhere' }));
    const token = uniqueSleep();
    const running = sandbox.exec(['sh', '-c', `sleep ${token} & sleep ${token}`]);
    await waitFor(() => processesWith(`sleep ${token}`, true).length === 2, 'the commands to start');

    const stopper = await completion(otherProcess('stop', dataDir, sandbox.ref));
    expect(stopper.code, stopper.stderr).toBe(0);
    expect((await running).exitCode).toBe(137);
    expect(processesWith(`sleep ${token}`, true)).toEqual([]);
    expect(await sandbox.status()).toBe('stopped');

    const error: unknown = await sandbox.exec(['true']).catch((e: unknown) => e);
    expect(AgentkernelError.isInstance(error) && error.code).toBe('SANDBOX_STOPPED');
    expect((error as Error).message).toContain('agentkernel sandbox start stopped-elsewhere');
    await sandbox.start();
    expect((await sandbox.exec(['true'])).exitCode).toBe(0);
    await sandbox.destroy();
  });

  it('destroy leaves nothing behind: no process and no folder, even for commands run by another process', async () => {
    const { backend } = await openLocal(dataDir);
    const sandbox = await backend.create(spec({ name: 'destroyed-elsewhere' }));
    const dir = sandbox.ref.metadata.dir!;
    const token = uniqueSleep();
    const child = otherProcess('exec', dataDir, sandbox.ref, ['sh', '-c', `sleep ${token} & sleep ${token}`]);
    const done = completion(child);
    await printed(child, 'started');
    await waitFor(() => processesWith(`sleep ${token}`, true).length === 2, 'the commands to start');
    // The fixture's own command line names the folder too; it is the CLI, not the sandbox.
    const sandboxProcesses = () => processesWith(dir).filter((line) => !line.includes('other-process.ts'));
    expect(sandboxProcesses().length).toBeGreaterThan(0);

    await sandbox.destroy();
    expect(processesWith(`sleep ${token}`, true)).toEqual([]);
    expect(sandboxProcesses()).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(await sandbox.status()).toBe('gone');
    const owner = await done;
    expect(owner.stdout).toContain('"exitCode":137');
    expect(await backend.list!()).toEqual([]);
  });
});
