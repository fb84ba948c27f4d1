import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, CLI_BIN, json, tempDir } from './helpers.js';

describe('run: one command in an ephemeral sandbox', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  const run = (...args: string[]) => agentkernel(args, { home: home.path });
  const sandboxFolders = () => {
    const dir = join(home.path, 'plugins', 'local', 'sandboxes');
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  beforeAll(async () => {
    home = await tempDir('run');
  });
  afterAll(async () => {
    await home.cleanup();
  });

  it("exits with the command's code and destroys the sandbox, even when the command fails", async () => {
    const result = await run('run', '--', 'sh', '-c', 'echo ephemeral; exit 5');
    expect(result.stdout).toBe('ephemeral\n');
    expect(result.code).toBe(5);
    expect(json(await run('sandbox', 'list', '--json'))).toEqual([]);
    expect(sandboxFolders()).toEqual([]);
  });

  it('--keep leaves the sandbox and names it', async () => {
    const result = await run('run', '--keep', '--', 'sh', '-c', 'echo kept > proof.txt');
    expect(result.code).toBe(0);
    const name = /kept sandbox (run-\S+);/.exec(result.stderr)?.[1];
    expect(name).toBeDefined();
    expect((await run('exec', name!, '--', 'cat', 'proof.txt')).stdout).toBe('kept\n');
    expect((await run('sandbox', 'remove', name!)).code).toBe(0);
  });

  it('Ctrl-C stops the command, destroys the sandbox and exits 130', async () => {
    const child = spawn(process.execPath, [CLI_BIN, 'run', '--', 'sleep', '60'], {
      cwd: home.path,
      env: { ...process.env, AGENTKERNEL_HOME: home.path },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Wait until the sandbox exists and its command runs, then interrupt.
    const deadline = Date.now() + 30_000;
    while (!sandboxFolders().some((dir) => !dir.startsWith('.')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted by SIGINT');
    expect(json(await run('sandbox', 'list', '--json'))).toEqual([]);
    expect(sandboxFolders().filter((dir) => !dir.startsWith('.'))).toEqual([]);
  });

  it('a bad flag costs no sandbox', async () => {
    const result = await run('run', '-e', 'BAD', '--', 'true');
    // run's own failure: 125, leaving every other code to the command.
    expect(result.code).toBe(125);
    expect(sandboxFolders()).toEqual([]);
  });
});
