import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AgentkernelError,
  pullWorkspace,
  pushWorkspace,
  syncStatus,
  SyncConflictError,
  workspaceRevision,
} from '@agentkernel/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBed, describeLocal, describeRemote, sandboxSh, type SyncBed } from './sync-fixtures.js';

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

const ignoredPath = (p: string): boolean =>
  p === 'build' || p.startsWith('build/') || p.endsWith('.tmp') || p.startsWith('node_modules');

describe('push and pull with the local backend', () => {
  it('pushes a project to an empty sandbox and brings back what a command made inside', async () => {
    await seedProject(bed.localDir);
    const push = await pushWorkspace(bed.options);
    expect(push.filesSent).toBe(10); // 3 folders, 5 files, a symlink, .gitignore
    expect(await describeRemote(bed.handle)).toEqual(await describeLocal(bed.localDir, ignoredPath));

    await sandboxSh(
      bed.handle,
      'echo x > made-inside.txt && rm main-link && chmod 700 run.sh && mkdir -p fresh/dir',
    );
    const pull = await pullWorkspace(bed.options);
    expect(pull.plan.download.sort()).toEqual(['fresh', 'fresh/dir', 'made-inside.txt', 'run.sh']);
    expect(pull.plan.deleteLocal).toEqual(['main-link']);
    expect(await readFile(join(bed.localDir, 'made-inside.txt'), 'utf8')).toBe('x\n');
    expect((await stat(join(bed.localDir, 'run.sh'))).mode & 0o777).toBe(0o700);
    expect(await describeLocal(bed.localDir, ignoredPath)).toEqual(await describeRemote(bed.handle));
    // Ignored files were neither sent nor removed.
    expect(await readFile(join(bed.localDir, 'build', 'out.js'), 'utf8')).toBe('ignored');
    expect(await workspaceRevision(bed.localDir)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sends only the edited file: bytesSent stays under its size plus 64 KiB', async () => {
    await seedProject(bed.localDir);
    for (let i = 0; i < 50; i++)
      await writeFile(join(bed.localDir, 'src', `file-${i}.txt`), `content ${i}\n`.repeat(2000));
    await pushWorkspace(bed.options);
    const edited = join(bed.localDir, 'src', 'file-7.txt');
    await writeFile(edited, 'changed\n'.repeat(3000));
    const report = await pushWorkspace(bed.options);
    expect(report.plan.upload).toEqual(['src/file-7.txt']);
    expect(report.filesSent).toBe(1);
    expect(report.bytesSent).toBeLessThan((await stat(edited)).size + 64 * 1024);
    expect(await sandboxSh(bed.handle, 'head -c 8 src/file-7.txt')).toBe('changed\n');
    const again = await pushWorkspace(bed.options);
    expect(again).toMatchObject({ filesSent: 0, bytesSent: 0, deleted: 0 });
  });

  it('propagates deletions of files and folders both ways', async () => {
    await seedProject(bed.localDir);
    await pushWorkspace(bed.options);
    await rm(join(bed.localDir, 'src', 'nested'), { recursive: true });
    await rm(join(bed.localDir, 'empty'), { recursive: true });
    const push = await pushWorkspace(bed.options);
    expect(push.plan.deleteRemote).toEqual(['src/nested/data.bin', 'src/nested', 'empty']);
    expect(push.deleted).toBe(3);
    await sandboxSh(bed.handle, 'rm -r src');
    const pull = await pullWorkspace(bed.options);
    expect(pull.plan.deleteLocal).toEqual(['src/main.ts', 'src']);
    expect(existsSync(join(bed.localDir, 'src'))).toBe(false);
    expect(await describeLocal(bed.localDir, ignoredPath)).toEqual(await describeRemote(bed.handle));
  });

  it('stops on a path changed on both sides (exit code 4) unless a side is preferred', async () => {
    await writeFile(join(bed.localDir, 'shared.txt'), 'base\n');
    await writeFile(join(bed.localDir, 'other.txt'), 'base\n');
    await pushWorkspace(bed.options);
    await writeFile(join(bed.localDir, 'shared.txt'), 'local edit\n');
    await sandboxSh(bed.handle, 'echo remote edit > shared.txt && echo remote only > other.txt');

    const error = await pushWorkspace(bed.options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncConflictError);
    expect(AgentkernelError.isInstance(error) && error.exitCode).toBe(4);
    expect((error as SyncConflictError).paths).toEqual(['shared.txt']);
    await expect(pullWorkspace(bed.options)).rejects.toThrow(/shared\.txt/);
    const status = await syncStatus(bed.options);
    expect(status).toMatchObject({
      conflicts: ['shared.txt'],
      localChanged: ['shared.txt'],
      remoteChanged: ['other.txt', 'shared.txt'],
    });

    await pullWorkspace({ ...bed.options, prefer: 'remote' });
    expect(await readFile(join(bed.localDir, 'shared.txt'), 'utf8')).toBe('remote edit\n');
    expect(await readFile(join(bed.localDir, 'other.txt'), 'utf8')).toBe('remote only\n');

    await writeFile(join(bed.localDir, 'shared.txt'), 'local again\n');
    await sandboxSh(bed.handle, 'echo remote again > shared.txt');
    await pushWorkspace({ ...bed.options, prefer: 'local' });
    expect(await sandboxSh(bed.handle, 'cat shared.txt')).toBe('local again\n');
  });

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

  it('leaves out a sandbox symlink that leaves the workspace, with a warning, and syncs the rest', async () => {
    await writeFile(join(bed.localDir, 'keep.txt'), 'keep\n');
    await pushWorkspace(bed.options);
    await sandboxSh(bed.handle, 'ln -s /etc escape && rm keep.txt && echo new > new.txt');
    const warnings: string[] = [];
    const report = await pullWorkspace({ ...bed.options, onWarning: (m) => warnings.push(m) });
    expect(report.skipped).toEqual([
      { path: 'escape', reason: 'the symlink points outside the workspace (/etc)' },
    ]);
    expect(warnings).toEqual(['not pulled: "escape": the symlink points outside the workspace (/etc)']);
    expect((await readdir(bed.localDir)).sort()).toEqual(['new.txt']);
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
  });
});
