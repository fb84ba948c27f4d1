import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentkernelError, NotFoundError, StateError, UsageError } from '../../src/errors/errors.js';
import { inspectArchive } from '../../src/snapshot/inspect.js';
import { LocalSnapshotStore } from '../../src/snapshot/store.js';
import { workspaceRevision } from '../../src/sync/revision.js';
import { validManifest } from './fixtures.js';

let dir: string;
let store: LocalSnapshotStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ak-snapshots-'));
  store = new LocalSnapshotStore(join(dir, 'snapshots'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const writeArchive =
  (text: string) =>
  async (archive: NodeJS.WritableStream): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      archive.on('error', reject);
      archive.end(text, resolve);
    });
  };

describe('LocalSnapshotStore', () => {
  it('creates a folder with the manifest and the archive, then reads, lists and deletes it', async () => {
    const manifest = validManifest({ name: 'one' });
    await store.create('one', async (archive) => {
      await writeArchive('archive bytes')(archive);
      return manifest;
    });
    expect((await readdir(join(dir, 'snapshots', 'one'))).sort()).toEqual([
      'manifest.json',
      'workspace.tar.gz',
    ]);
    expect(await readFile(store.archivePath('one'), 'utf8')).toBe('archive bytes');
    expect(await store.read('one')).toEqual(manifest);
    expect(await store.has('one')).toBe(true);
    expect(await store.list()).toEqual([manifest]);
    let streamed = '';
    for await (const chunk of await store.openArchive('one')) streamed += String(chunk);
    expect(streamed).toBe('archive bytes');

    await store.delete('one');
    expect(await store.has('one')).toBe(false);
    await expect(store.read('one')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.delete('one')).rejects.toBeInstanceOf(NotFoundError);
    expect(await readdir(join(dir, 'snapshots'))).toEqual([]);
  });

  it('leaves nothing behind when the writer fails or returns an invalid manifest', async () => {
    await expect(
      store.create('two', async (archive) => {
        await writeArchive('partial')(archive);
        throw new UsageError('the sandbox went away');
      }),
    ).rejects.toThrow(/went away/);
    await expect(
      store.create('two', async (archive) => {
        await writeArchive('x')(archive);
        return validManifest({ name: 'two', vcpus: 99 });
      }),
    ).rejects.toThrow(/vcpus: must equal source.resources.vcpus/);
    expect(await readdir(join(dir, 'snapshots'))).toEqual([]);
  });

  it('refuses a name that is taken or invalid', async () => {
    const create = (name: string) =>
      store.create(name, async (archive) => {
        await writeArchive('x')(archive);
        return validManifest({ name });
      });
    await create('taken');
    await expect(create('taken')).rejects.toThrow(/already exists/);
    await expect(create('../escape')).rejects.toBeInstanceOf(UsageError);
    await expect(store.read('a/b')).rejects.toBeInstanceOf(UsageError);
  });

  it('reports a broken manifest with its file and field path, and lists around it on request', async () => {
    await mkdir(join(dir, 'snapshots', 'bad'), { recursive: true });
    const broken = {
      ...validManifest({ name: 'bad' }),
      workspace: { ...validManifest().workspace, fileCount: -1 },
    };
    await writeFile(join(dir, 'snapshots', 'bad', 'manifest.json'), JSON.stringify(broken));
    await store.create('good', async (archive) => {
      await writeArchive('x')(archive);
      return validManifest({ name: 'good' });
    });
    const error = await store.read('bad').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toContain(join(dir, 'snapshots', 'bad', 'manifest.json'));
    expect((error as Error).message).toContain(
      'workspace.fileCount: expected a non-negative integer, got -1',
    );
    await expect(store.list()).rejects.toBeInstanceOf(StateError);
    const invalid: string[] = [];
    const listed = await store.list({
      onInvalid: (name, e) => invalid.push(`${name}: ${AgentkernelError.isInstance(e)}`),
    });
    expect(listed.map((m) => m.name)).toEqual(['good']);
    expect(invalid).toEqual(['bad: true']);
  });
});

describe('inspectArchive', () => {
  it('counts files and computes the same revision as the unpacked tree', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'src', 'deep'), { recursive: true });
    await mkdir(join(tree, 'empty'));
    await writeFile(join(tree, 'src', 'deep', 'b.txt'), 'bee');
    await writeFile(join(tree, 'z.bin'), Buffer.alloc(300_000, 7));
    await writeFile(join(tree, 'A.txt'), 'capital');
    await link(join(tree, 'A.txt'), join(tree, 'hard.txt'));
    await symlink('src', join(tree, 'link'));
    const archive = join(dir, 'tree.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', tree, '.']);

    const summary = await inspectArchive(createReadStream(archive), join(dir, 'spool'));
    expect(summary).toEqual({
      fileCount: 4,
      bytes: 3 + 300_000 + 7 + 7,
      revision: await workspaceRevision(tree, { ignore: false }),
      withSecrets: [],
    });

    const unpacked = join(dir, 'unpacked');
    await mkdir(unpacked);
    execFileSync('tar', ['-xzf', archive, '-C', unpacked]);
    expect(summary.revision).toBe(await workspaceRevision(unpacked, { ignore: false }));
  });
});
