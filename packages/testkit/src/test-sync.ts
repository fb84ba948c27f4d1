import { existsSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  AgentkernelError,
  pullWorkspace,
  pushWorkspace,
  SyncConflictError,
  syncStatus,
  type SyncOptions,
} from '@agentkernel/core';
import { Harness, type TestBackendOptions } from './harness.js';
import { testQuickCheck } from './sync-quick.js';
import { describeLocalTree, describeSandboxTree, sandboxShell } from './sync-tree.js';

/** Options of {@link testSync}: those of `testBackend` that apply to sync. */
export type TestSyncOptions = Pick<TestBackendOptions, 'name' | 'open' | 'spec' | 'timeoutMs' | 'skip'>;

/** One test's project folder, manifest and sandbox folder (a fresh subfolder of the shared sandbox's workspace). */
export interface Bed {
  readonly localDir: string;
  readonly remoteDir: string;
  readonly options: SyncOptions;
  sh(script: string): Promise<string>;
  remote(): Promise<Map<string, string>>;
  local(): Promise<Map<string, string>>;
}

const ignored = (path: string): boolean =>
  path === 'build' || path.startsWith('build/') || path.startsWith('node_modules');

/**
 * Registers the workspace sync conformance suite for one backend: core's real `pushWorkspace`,
 * `pullWorkspace` and `syncStatus` against a sandbox of the backend `open()` returns. Call it at the top
 * level of a vitest file, like `testBackend`:
 *
 * ```ts
 * testSync({ name: 'acme', open: () => openForTest(plugin, { credentials }) });
 * ```
 *
 * The sandbox image needs `sh`, GNU `find`, `sha256sum`, `chmod`, `ln`, `rm` and `tar` (which the sync
 * engine itself uses).
 */
export function testSync(options: TestSyncOptions): void {
  const harness = new Harness(options);
  const scratch: string[] = [];
  let count = 0;

  const bed = async (): Promise<Bed> => {
    count += 1;
    const home = await mkdtemp(join(tmpdir(), 'ak-testsync-'));
    scratch.push(home);
    const localDir = join(home, 'project');
    await mkdir(localDir);
    const handle = harness.shared;
    const remoteDir = `${harness.workspaceDir}/sync-${count}`;
    await sandboxShell(handle, '/', 'mkdir -p "$1"', remoteDir);
    return {
      localDir,
      remoteDir,
      options: { handle, localDir, workspaceDir: remoteDir, manifestFile: join(home, 'state', 'sync.json') },
      sh: (script) => sandboxShell(handle, remoteDir, script),
      remote: () => describeSandboxTree(handle, remoteDir, ignored),
      local: () => describeLocalTree(localDir, ignored),
    };
  };

  const seed = async (dir: string): Promise<void> => {
    await mkdir(join(dir, 'src', 'nested'), { recursive: true });
    await writeFile(join(dir, 'src', 'main.ts'), 'export const x = 1;\n');
    await writeFile(join(dir, 'src', 'nested', 'data.bin'), Buffer.from([0, 255, 1, 2, 3, 10, 13]));
    await writeFile(join(dir, 'run.sh'), '#!/bin/sh\necho hi\n');
    await chmod(join(dir, 'run.sh'), 0o750);
    await writeFile(join(dir, 'name with spaces & ünïcode'), 'u');
    await writeFile(join(dir, 'new\nline'), 'n');
    await writeFile(join(dir, '.gitignore'), 'build/\n');
    await mkdir(join(dir, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'dep', 'index.js'), 'ignored');
    await mkdir(join(dir, 'build'));
    await writeFile(join(dir, 'build', 'out.js'), 'ignored');
  };

  describe(`agentkernel workspace sync conformance: ${options.name}`, () => {
    beforeAll(() => harness.setUp(), Math.max(options.timeoutMs ?? 0, 120_000));
    afterAll(
      async () => {
        for (const dir of scratch) await rm(dir, { recursive: true, force: true });
        await harness.tearDown();
      },
      Math.max(options.timeoutMs ?? 0, 120_000),
    );

    harness.test(
      'sync-roundtrip',
      'push then pull brings the project there and back byte for byte',
      async () => {
        const b = await bed();
        await seed(b.localDir);
        const push = await pushWorkspace(b.options);
        expect(push.filesSent).toBe(8); // src, src/nested, 5 files, .gitignore
        expect(await b.sh('test -e build || test -e node_modules || echo absent')).toBe('absent\n');
        expect(await b.remote()).toEqual(await b.local());

        await b.sh('echo made inside > made.txt && mkdir -p fresh/dir && echo x >> src/main.ts');
        const pull = await pullWorkspace(b.options);
        expect(pull.plan.download.sort()).toEqual(['fresh', 'fresh/dir', 'made.txt', 'src/main.ts']);
        expect(await readFile(join(b.localDir, 'made.txt'), 'utf8')).toBe('made inside\n');
        expect(await b.local()).toEqual(await b.remote());
        expect(await readFile(join(b.localDir, 'build', 'out.js'), 'utf8')).toBe('ignored');
        const again = await pushWorkspace(b.options);
        expect(again).toMatchObject({ filesSent: 0, bytesSent: 0, deleted: 0 });
      },
    );

    harness.test(
      'sync-still',
      "a pull right after a push moves nothing, whatever the files' mtimes near the sandbox clock",
      async () => {
        const b = await bed();
        const now = Date.now() / 1000;
        // Old files (trusted by cached digest), files on each second around the listing clock (hashed
        // or not by its 2-s window), a future mtime (a skewed clock) and one larger file.
        const offsets = [-3600, -4, -3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 3, 600];
        await mkdir(join(b.localDir, 'many'));
        for (let i = 0; i < 500; i++) {
          const file = join(b.localDir, 'many', `f${i}.txt`);
          await writeFile(file, `file ${i}\n`);
          const at = now + (offsets[i % offsets.length] ?? 0);
          await utimes(file, at, at);
        }
        await writeFile(join(b.localDir, 'large.bin'), Buffer.alloc(20_000, 7));
        await pushWorkspace(b.options);
        for (let round = 0; round < 2; round++) {
          const pull = await pullWorkspace(b.options);
          expect(pull.plan).toMatchObject({ download: [], deleteLocal: [], conflicts: [] });
          expect(pull).toMatchObject({ filesReceived: 0, bytesReceived: 0 });
        }
        expect(await pushWorkspace(b.options)).toMatchObject({ filesSent: 0, bytesSent: 0 });
      },
    );

    harness.test('sync-one-file', 'a push after a one-file edit sends only that file', async () => {
      const b = await bed();
      for (let i = 0; i < 4; i++)
        await writeFile(join(b.localDir, `f${i}.txt`), `content ${i}\n`.repeat(4000));
      await pushWorkspace(b.options);
      const edited = join(b.localDir, 'f2.txt');
      await writeFile(edited, 'changed\n'.repeat(3000));
      const report = await pushWorkspace(b.options);
      expect(report.plan).toMatchObject({ upload: ['f2.txt'], deleteRemote: [] });
      expect(report.filesSent).toBe(1);
      expect(report.bytesSent).toBeLessThan((await stat(edited)).size + 64 * 1024);
      expect(await b.sh('head -c 8 f2.txt')).toBe('changed\n');
      expect(await b.remote()).toEqual(await b.local());
    });

    harness.test('sync-deletions', 'deletions of files and folders propagate both ways', async () => {
      const b = await bed();
      await seed(b.localDir);
      await pushWorkspace(b.options);
      await rm(join(b.localDir, 'src', 'nested'), { recursive: true });
      await rm(join(b.localDir, 'run.sh'));
      const push = await pushWorkspace(b.options);
      expect(push.plan.deleteRemote.sort()).toEqual(['run.sh', 'src/nested', 'src/nested/data.bin']);
      expect(await b.sh('ls -A src; test -e run.sh || echo gone')).toBe('main.ts\ngone\n');
      await b.sh('rm -r src');
      const pull = await pullWorkspace(b.options);
      expect(pull.plan.deleteLocal).toEqual(['src/main.ts', 'src']);
      expect(existsSync(join(b.localDir, 'src'))).toBe(false);
      expect(await b.local()).toEqual(await b.remote());
    });

    harness.test(
      'sync-conflict',
      'a path changed on both sides stops the sync unless `prefer` decides',
      async () => {
        const b = await bed();
        await writeFile(join(b.localDir, 'shared.txt'), 'base\n');
        await writeFile(join(b.localDir, 'other.txt'), 'base\n');
        await pushWorkspace(b.options);
        await writeFile(join(b.localDir, 'shared.txt'), 'local edit\n');
        await b.sh('echo remote edit > shared.txt && echo remote only > other.txt');

        const error = await pushWorkspace(b.options).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SyncConflictError);
        expect(AgentkernelError.isInstance(error) && error.exitCode).toBe(4);
        expect((error as SyncConflictError).paths).toEqual(['shared.txt']);
        await expect(pullWorkspace(b.options)).rejects.toBeInstanceOf(SyncConflictError);
        expect(await b.sh('cat shared.txt')).toBe('remote edit\n');
        expect(await syncStatus(b.options)).toMatchObject({ conflicts: ['shared.txt'] });

        await pullWorkspace({ ...b.options, prefer: 'remote' });
        expect(await readFile(join(b.localDir, 'shared.txt'), 'utf8')).toBe('remote edit\n');
        expect(await readFile(join(b.localDir, 'other.txt'), 'utf8')).toBe('remote only\n');
        await writeFile(join(b.localDir, 'shared.txt'), 'local again\n');
        await b.sh('echo remote again > shared.txt');
        await pushWorkspace({ ...b.options, prefer: 'local' });
        expect(await b.sh('cat shared.txt')).toBe('local again\n');
      },
    );

    harness.test('sync-modes-symlinks', 'file modes and symlinks survive both ways', async () => {
      const b = await bed();
      await mkdir(join(b.localDir, 'dir'));
      await chmod(join(b.localDir, 'dir'), 0o750);
      await writeFile(join(b.localDir, 'secret.txt'), 's');
      await chmod(join(b.localDir, 'secret.txt'), 0o600);
      await writeFile(join(b.localDir, 'tool'), '#!/bin/sh\n');
      await chmod(join(b.localDir, 'tool'), 0o755);
      await symlink('tool', join(b.localDir, 'link-file'));
      await symlink('dir', join(b.localDir, 'link-dir'));
      await symlink('missing', join(b.localDir, 'dangling'));
      await pushWorkspace(b.options);
      expect(await b.sh('stat -c "%a %n" secret.txt tool dir; readlink link-file link-dir dangling')).toBe(
        '600 secret.txt\n755 tool\n750 dir\ntool\ndir\nmissing\n',
      );
      expect(await b.remote()).toEqual(await b.local());

      await b.sh('chmod 700 secret.txt && chmod 644 tool && rm link-file && ln -s secret.txt link-file');
      const pull = await pullWorkspace(b.options);
      expect(pull.plan.download.sort()).toEqual(['link-file', 'secret.txt', 'tool']);
      expect((await lstat(join(b.localDir, 'secret.txt'))).mode & 0o777).toBe(0o700);
      expect((await lstat(join(b.localDir, 'tool'))).mode & 0o777).toBe(0o644);
      expect(await readlink(join(b.localDir, 'link-file'))).toBe('secret.txt');
      expect(await b.local()).toEqual(await b.remote());
    });

    harness.test(
      'sync-unsafe-symlink',
      'a sandbox symlink leaving the workspace is not pulled, with a warning',
      async () => {
        const b = await bed();
        await writeFile(join(b.localDir, 'keep.txt'), 'keep\n');
        await pushWorkspace(b.options);
        await b.sh('ln -s /etc escape && ln -s ../.. up && rm keep.txt && echo new > new.txt');
        const warnings: string[] = [];
        const report = await pullWorkspace({ ...b.options, onWarning: (m) => warnings.push(m) });
        expect(report.skipped.map((s) => s.path).sort()).toEqual(['escape', 'up']);
        expect(report.skipped.find((s) => s.path === 'escape')?.reason).toBe(
          'the symlink points outside the workspace (/etc)',
        );
        expect(warnings).toHaveLength(2);
        expect((await readdir(b.localDir)).sort()).toEqual(['new.txt']);
      },
    );

    testQuickCheck(harness, bed);
  });
}
