import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pullWorkspace, type SandboxHandle } from '@agentkernel/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBed, sandboxSh, type SyncBed } from './sync-fixtures.js';

let bed: SyncBed;
beforeEach(async () => {
  bed = await createBed('pull-interrupted');
  // Synced once: `kind` is a symlink on both sides; then the sandbox makes it a file.
  await sandboxSh(bed.handle, 'ln -s elsewhere kind');
  await pullWorkspace(bed.options);
  await sandboxSh(bed.handle, 'rm kind && echo now-a-file > kind && echo brief > brief.txt');
});
afterEach(async () => {
  await bed.cleanup();
});

/** The bed's handle, with `before` run each time a pull asks it for an archive. */
function interposed(
  handle: SandboxHandle,
  before: () => Promise<void>,
  wrap: (archive: Readable) => Readable = (a) => a,
): SandboxHandle {
  return Object.assign(Object.create(handle) as SandboxHandle, {
    getArchive: async (dir: string, paths?: readonly string[]) => {
      await before();
      return wrap(await handle.getArchive(dir, paths));
    },
  });
}

describe('a pull whose download fails partway', () => {
  it('is tried again from an untouched folder when a listed file vanished before the download', async () => {
    // The sandbox deletes a file between the listing and the download, as a busy sandbox does.
    const handle = interposed(bed.handle, () =>
      sandboxSh(bed.handle, 'rm -f brief.txt').then(() => undefined),
    );
    const report = await pullWorkspace({ ...bed.options, handle });
    expect(report.conflicts).toEqual([]);
    expect(await readFile(join(bed.localDir, 'kind'), 'utf8')).toBe('now-a-file\n');
  });

  it('is tried again when the download breaks once, and brings everything', async () => {
    const handle = interposed(bed.handle, () => Promise.resolve(), breaking(1));
    const report = await pullWorkspace({ ...bed.options, handle });
    expect(report.conflicts).toEqual([]);
    expect(await readFile(join(bed.localDir, 'kind'), 'utf8')).toBe('now-a-file\n');
    expect(await readFile(join(bed.localDir, 'brief.txt'), 'utf8')).toBe('brief\n');
  });

  it('leaves a path the sandbox changed in kind as it was here when every try breaks, and the next pull has no conflict', async () => {
    const handle = interposed(bed.handle, () => Promise.resolve(), breaking(3));
    await expect(pullWorkspace({ ...bed.options, handle })).rejects.toThrow(/connection reset by the test/);
    // Still the symlink it was: nothing here is lost because the download broke.
    expect((await lstat(join(bed.localDir, 'kind'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(bed.localDir, 'kind'))).toBe('elsewhere');

    const report = await pullWorkspace(bed.options);
    expect(report.conflicts).toEqual([]);
    expect(await readFile(join(bed.localDir, 'kind'), 'utf8')).toBe('now-a-file\n');
    expect(await readFile(join(bed.localDir, 'brief.txt'), 'utf8')).toBe('brief\n');
  });

  it('records the folders it removed before a broken download, so a folder turned file is no conflict', async () => {
    await sandboxSh(bed.handle, 'mkdir -p tree/inner && echo leaf > tree/inner/leaf.txt');
    await pullWorkspace(bed.options);
    await sandboxSh(bed.handle, 'rm -r tree && echo flat > tree');
    const handle = interposed(bed.handle, () => Promise.resolve(), breaking(3));
    await expect(pullWorkspace({ ...bed.options, handle })).rejects.toThrow(/connection reset by the test/);

    const report = await pullWorkspace(bed.options);
    expect(report.conflicts).toEqual([]);
    expect(await readFile(join(bed.localDir, 'tree'), 'utf8')).toBe('flat\n');
  });
});

/**
 * Breaks the first `times` archives a pull asks for, as a dropped connection would: at the first bytes,
 * which may come before the pull has started to unpack it.
 */
function breaking(times: number): (archive: Readable) => Readable {
  let left = times;
  return (archive) => {
    if (left-- <= 0) return archive;
    const broken = new Readable({ read: () => undefined });
    archive.once('data', () => {
      archive.destroy();
      broken.destroy(new Error('connection reset by the test'));
    });
    return broken;
  };
}
