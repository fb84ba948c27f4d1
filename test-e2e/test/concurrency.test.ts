import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, json, tempDir } from './helpers.js';

describe('two CLI processes on one sandbox', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  const run = (...args: string[]) => agentkernel(args, { home: home.path });

  beforeAll(async () => {
    home = await tempDir('concurrency');
  });
  afterAll(async () => {
    await run('sandbox', 'remove', 'twin', '--force');
    await home.cleanup();
  });

  it('racing creates of one name make one sandbox; the other is told it exists', async () => {
    const results = await Promise.all([
      run('sandbox', 'create', 'twin'),
      run('sandbox', 'create', 'twin'),
      run('sandbox', 'create', 'twin'),
    ]);
    const codes = results.map((result) => result.code).sort();
    expect(codes).toEqual([0, 2, 2]);
    for (const loser of results.filter((result) => result.code === 2))
      expect(loser.stderr).toContain('a sandbox named "twin" already exists');
    expect(json<{ name: string }[]>(await run('sandbox', 'list', '--json')).map((row) => row.name)).toEqual([
      'twin',
    ]);
    expect(
      readdirSync(join(home.path, 'plugins', 'local', 'sandboxes')).filter((dir) => !dir.startsWith('.')),
    ).toHaveLength(1);
  });

  it('concurrent execs and state changes leave readable state', async () => {
    const results = await Promise.all([
      run('exec', 'twin', '--', 'sh', '-c', 'echo a > a.txt'),
      run('exec', 'twin', '--', 'sh', '-c', 'echo b > b.txt'),
      run('sandbox', 'start', 'twin'),
      run('sandbox', 'info', 'twin', '--json'),
    ]);
    expect(results.map((result) => result.code)).toEqual([0, 0, 0, 0]);
    expect((await run('exec', 'twin', '--', 'cat', 'a.txt', 'b.txt')).stdout).toBe('a\nb\n');
    expect(json<{ status: string }>(await run('sandbox', 'info', 'twin', '--json')).status).toBe('running');
  });
});
