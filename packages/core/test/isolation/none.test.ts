import { mkdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIsolated, type RunIsolatedOptions } from '../../src/isolation/index.js';
import { processesMatching, tempRoot, uniqueSleep } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempRoot()));
afterAll(() => cleanup());

const run = (argv: string[], options: Partial<RunIsolatedOptions> = {}) =>
  runIsolated({ root, network: false, mode: 'none', argv, searchPath: '/nonexistent', ...options });

describe("runIsolated with mode 'none'", () => {
  it('runs on the host in the workspace folder, without needing bwrap', async () => {
    await mkdir(join(root, 'sub'), { recursive: true });
    const result = await run(['sh', '-c', 'pwd; echo "$AGENTKERNEL_WORKSPACE"; echo made > here.txt'], {
      cwd: '/workspace/sub',
    });
    const real = await realpath(root);
    expect(result.stdout.toString()).toBe(`${real}/sub\n${root}\n`);
    expect(await readFile(join(root, 'sub', 'here.txt'), 'utf8')).toBe('made\n');
  });

  it('reports the same exit codes as under bubblewrap', async () => {
    expect((await run(['sh', '-c', 'kill -9 $$'])).exitCode).toBe(137);
    const missing = await run(['no-such-program-xyz']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr.toString()).toContain('command not found');
  });

  it('kills the command and its children on timeout', async () => {
    const token = uniqueSleep();
    const result = await run(['sh', '-c', `sleep ${token} & sleep ${token}`], { timeoutMs: 200 });
    expect(result).toMatchObject({ timedOut: true, exitCode: 137 });
    expect(processesMatching(`sleep ${token}`)).toEqual([]);
  });

  it('ends background processes left in its process group', async () => {
    const token = uniqueSleep();
    const result = await run(['sh', '-c', `sleep ${token} >/dev/null 2>&1 & echo started`]);
    expect(result.stdout.toString()).toBe('started\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesMatching(`sleep ${token}`)).toEqual([]);
  });
});
