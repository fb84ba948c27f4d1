import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pullWorkspace, pushWorkspace, workspaceRevision } from '@agentkernel/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBed, sandboxSh, type SyncBed } from './sync-fixtures.js';

let bed: SyncBed;
beforeEach(async () => {
  bed = await createBed('roundtrip');
});
afterEach(async () => {
  await bed.cleanup();
});

async function seedProject(dir: string): Promise<void> {
  await mkdir(join(dir, 'src', 'nested'), { recursive: true });
  await mkdir(join(dir, 'empty'));
  await writeFile(join(dir, 'src', 'main.ts'), 'export const x = 1;\n');
  await writeFile(join(dir, 'src', 'nested', 'data.bin'), Buffer.from([0, 255, 1, 2, 3]));
  await writeFile(join(dir, 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(dir, 'run.sh'), 0o750);
  await writeFile(join(dir, 'name with spaces & ünïcode'), 'u');
  await writeFile(join(dir, 'new\nline'), 'n');
  await symlink('src/main.ts', join(dir, 'main-link'));
  await writeFile(join(dir, '.gitignore'), 'build/\n*.tmp\n');
  await mkdir(join(dir, 'build'));
  await writeFile(join(dir, 'build', 'out.js'), 'ignored');
  await writeFile(join(dir, 'scratch.tmp'), 'ignored');
  await mkdir(join(dir, 'node_modules', 'dep'), { recursive: true });
  await writeFile(join(dir, 'node_modules', 'dep', 'index.js'), 'ignored');
}

// The cases every backend shares (round trip, one-file edit, deletions, conflicts, modes, unsafe
// symlinks) run through testkit's testSync in conformance.test.ts.
describe('push and pull with the local backend', () => {
  it('a nested rule file re-including a name ignored at the root keeps it in sync', async () => {
    await writeFile(join(bed.localDir, '.gitignore'), 'cache/\n');
    await mkdir(join(bed.localDir, 'cache'));
    await writeFile(join(bed.localDir, 'cache', 'z'), 'ignored');
    await mkdir(join(bed.localDir, 'pkg', 'cache'), { recursive: true });
    await writeFile(join(bed.localDir, 'pkg', '.gitignore'), '!cache/\n');
    await writeFile(join(bed.localDir, 'pkg', 'cache', 'x'), 'kept');
    await pushWorkspace(bed.options);
    expect(await sandboxSh(bed.handle, 'cat pkg/cache/x; ls -A')).toBe('kept.gitignore\npkg\n');
    await sandboxSh(bed.handle, 'echo y > pkg/cache/y');
    const pull = await pullWorkspace(bed.options);
    expect(pull.plan).toMatchObject({ download: ['pkg/cache/y'], deleteLocal: [] });
    expect(await readFile(join(bed.localDir, 'pkg', 'cache', 'x'), 'utf8')).toBe('kept');
  });

  it('dry runs return the plan and change nothing', async () => {
    await seedProject(bed.localDir);
    const report = await pushWorkspace({ ...bed.options, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.plan.upload).toContain('src/main.ts');
    expect(report.bytesSent).toBe(0);
    expect(await sandboxSh(bed.handle, 'ls -A')).toBe('');
    expect(existsSync(bed.manifestFile)).toBe(false);
  });

  it('first pull brings sandbox-only files and reports differing files as conflicts', async () => {
    await sandboxSh(
      bed.handle,
      'echo theirs > theirs.txt && echo same > same.txt && echo remote > differ.txt',
    );
    await writeFile(join(bed.localDir, 'same.txt'), 'same\n');
    await writeFile(join(bed.localDir, 'differ.txt'), 'local\n');
    await writeFile(join(bed.localDir, 'mine.txt'), 'mine\n');
    await expect(pullWorkspace(bed.options)).rejects.toMatchObject({ paths: ['differ.txt'] });
    const report = await pullWorkspace({ ...bed.options, prefer: 'local' });
    expect(report.plan.download).toEqual(['theirs.txt']);
    expect((await readdir(bed.localDir)).sort()).toEqual([
      'differ.txt',
      'mine.txt',
      'same.txt',
      'theirs.txt',
    ]);
    expect(await readFile(join(bed.localDir, 'differ.txt'), 'utf8')).toBe('local\n');
  });

  it('does not re-send files after a pull, and picks up sandbox edits made within the same second', async () => {
    await seedProject(bed.localDir);
    await pushWorkspace(bed.options);
    await sandboxSh(bed.handle, 'echo 1 > fast.txt');
    await pullWorkspace(bed.options);
    await sandboxSh(bed.handle, 'echo 2 > fast.txt');
    await pullWorkspace(bed.options);
    expect(await readFile(join(bed.localDir, 'fast.txt'), 'utf8')).toBe('2\n');
    const push = await pushWorkspace(bed.options);
    expect(push.plan.upload).toEqual([]);
    expect(await workspaceRevision(bed.localDir)).toMatch(/^[0-9a-f]{64}$/);
  });
});
