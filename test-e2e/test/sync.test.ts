import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, json, tempDir } from './helpers.js';

interface Report {
  direction: string;
  filesSent: number;
  bytesSent: number;
  filesReceived: number;
  bytesReceived: number;
  deleted: number;
  conflicts: string[];
  durationMs: number;
}

describe('mount_cwd: the project folder and /workspace kept in step', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  const run = (...args: string[]) => agentkernel(args, { home: home.path, cwd: project.path });

  beforeAll(async () => {
    home = await tempDir('sync-home');
    project = await tempDir('sync-project');
    await writeFile(join(project.path, 'package.json'), '{ "name": "synced", "private": true }\n');
    await writeFile(join(project.path, 'agentkernel.toml'), '[security]\nmount_cwd = true\n');
    await writeFile(join(project.path, 'notes.txt'), 'from the project\n');
    expect((await run('sandbox', 'create', 'work')).code).toBe(0);
  });
  afterAll(async () => {
    await run('sandbox', 'remove', 'work', '--force');
    await home.cleanup();
    await project.cleanup();
  });

  it('create pushed the project', async () => {
    const result = await run('exec', 'work', '--no-sync', '--', 'cat', 'notes.txt');
    expect(result.stdout).toBe('from the project\n');
  });

  it('a file made inside appears in the project folder after exec', async () => {
    const result = await run('exec', 'work', '--', 'sh', '-c', 'echo x > made-inside.txt');
    expect(result.code).toBe(0);
    expect(readFileSync(join(project.path, 'made-inside.txt'), 'utf8')).toBe('x\n');
  });

  it('a local edit is visible inside on the next exec', async () => {
    await writeFile(join(project.path, 'notes.txt'), 'edited locally\n');
    expect((await run('exec', 'work', '--', 'cat', 'notes.txt')).stdout).toBe('edited locally\n');
  });

  it('--no-sync moves nothing either way', async () => {
    await writeFile(join(project.path, 'local-only.txt'), 'l\n');
    const inside = await run(
      'exec',
      'work',
      '--no-sync',
      '--',
      'sh',
      '-c',
      'test -e local-only.txt && echo there || echo absent; echo r > remote-only.txt',
    );
    expect(inside.stdout).toBe('absent\n');
    expect(existsSync(join(project.path, 'remote-only.txt'))).toBe(false);
  });

  it('sync push --json after a one-file edit sends less than the file plus 64 KiB', async () => {
    await run('sync', 'push', 'work');
    await run('sync', 'pull', 'work');
    const big = Buffer.alloc(300_000, 'a');
    await writeFile(join(project.path, 'big.txt'), big);
    const first = json<Report>(await run('sync', 'push', 'work', '--json'));
    expect(first.filesSent).toBe(1);
    big.write('b', 1000);
    await writeFile(join(project.path, 'big.txt'), big);
    const result = await run('sync', 'push', 'work', '--json');
    expect(result.code).toBe(0);
    const report = json<Report>(result);
    expect(report).toMatchObject({
      direction: 'push',
      filesSent: 1,
      filesReceived: 0,
      bytesReceived: 0,
      deleted: 0,
      conflicts: [],
    });
    expect(report.bytesSent).toBeLessThan(big.length + 64 * 1024);
    expect(report.durationMs).toBeGreaterThan(0);
  });

  it('sync status and --dry-run show the plan and change nothing', async () => {
    await writeFile(join(project.path, 'planned.txt'), 'p\n');
    const status = await run('sync', 'status', 'work');
    expect(status.stdout).toMatch(/send\s+planned\.txt/);
    const dry = json<Report & { dryRun: boolean }>(await run('sync', 'push', 'work', '--dry-run', '--json'));
    expect(dry.dryRun).toBe(true);
    expect(
      (
        await run(
          'exec',
          'work',
          '--no-sync',
          '--',
          'sh',
          '-c',
          'test -e planned.txt && echo there || echo absent',
        )
      ).stdout,
    ).toBe('absent\n');
  });

  it('a path changed on both sides stops exec (125, a sync conflict) and names it, until a side is preferred', async () => {
    await run('sync', 'push', 'work');
    await run('exec', 'work', '--no-sync', '--', 'sh', '-c', 'echo remote > notes.txt');
    await writeFile(join(project.path, 'notes.txt'), 'local\n');
    const result = await run('exec', 'work', '--', 'true');
    expect(result.code).toBe(125);
    expect(result.stderr).toContain('agentkernel failed (sync conflict)');
    expect(result.stderr).toContain('notes.txt');
    expect(result.stderr).toContain('agentkernel sync push work --prefer local');
    const pulled = json<Report>(await run('sync', 'pull', 'work', '--prefer', 'remote', '--json'));
    expect(pulled.filesReceived).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(project.path, 'notes.txt'), 'utf8')).toBe('remote\n');
    expect((await run('exec', 'work', '--', 'true')).code).toBe(0);
  });

  it('sync on a sandbox created without mount_cwd is a usage error', async () => {
    expect((await run('sandbox', 'create', 'plain', '--no-mount-cwd')).code).toBe(0);
    try {
      const result = await run('sync', 'push', 'plain');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('created without mount_cwd');
    } finally {
      await run('sandbox', 'remove', 'plain');
    }
  });
});
