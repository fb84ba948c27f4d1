import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, runIsolated, spawnIsolated, type IsolationMode } from '../../src/isolation/index.js';
import { processesMatching, tempRoot, uniqueSleep } from './helpers.js';

let root: string;
let procDir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempRoot());
  procDir = join(root, '..', `${root.split('/').pop()}-procs`);
  await mkdir(procDir);
});
afterAll(() => cleanup());

describe.each<IsolationMode>(['bubblewrap', 'none'])('process tracking (%s)', (mode) => {
  it('records running commands and killAll ends them with their children', async () => {
    const token = uniqueSleep();
    const proc = await spawnIsolated({
      root,
      network: false,
      mode,
      procDir,
      argv: ['sh', '-c', `sleep ${token} & sleep ${token}`],
    });
    expect(await readdir(procDir)).toEqual([String(proc.pid)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesMatching(`sleep ${token}`).length).toBe(2);
    expect(await killAll(procDir)).toBe(1);
    expect(processesMatching(`sleep ${token}`)).toEqual([]);
    expect((await proc.exited).exitCode).toBe(137);
    expect(await readdir(procDir)).toEqual([]);
  });

  it('forgets a command once it ends', async () => {
    const proc = await spawnIsolated({ root, network: false, mode, procDir, argv: ['true'] });
    await proc.exited;
    expect(await readdir(procDir)).toEqual([]);
  });
});

describe('killAll', () => {
  it('never kills a process that reused a recorded pid', async () => {
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = bystander.pid!;
    await writeFile(join(procDir, String(pid)), JSON.stringify({ pid, startTime: '1', group: false }));
    await writeFile(join(procDir, 'garbage'), 'not a record');
    expect(await killAll(procDir)).toBe(0);
    expect(bystander.exitCode).toBeNull();
    expect(bystander.signalCode).toBeNull();
    expect(await readdir(procDir)).toEqual(['garbage']);
    bystander.kill('SIGKILL');
  });

  it('accepts a folder that does not exist', async () => {
    expect(await killAll(join(procDir, 'missing'))).toBe(0);
  });
});

describe('runIsolated onSpawn', () => {
  it('hands over the running process so a caller can kill it', async () => {
    const result = await runIsolated({
      root,
      network: false,
      procDir,
      argv: ['sleep', '5'],
      onSpawn: (proc) => proc.kill(),
    });
    expect(result.exitCode).toBe(137);
    expect(result.durationMs).toBeLessThan(2000);
  });
});
