import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NotFoundError, UsageError } from '../../src/errors/errors.js';
import { checkArchiveEntry, getArchiveViaExec } from '../../src/remote/archive-exec.js';
import { readTarEntries } from './helpers/tar.js';
import { busyboxPath, hostShellHandle } from './helpers/host-shell.js';

let dir: string;
let empty: string;
const busybox = busyboxPath();
const shells = [
  ['busybox sh and tar', join(busybox, 'sh'), busybox],
  ['dash and GNU tar', '/bin/dash', process.env.PATH ?? '/usr/bin:/bin'],
] as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ak-archive-exec-'));
  empty = await mkdtemp(join(tmpdir(), 'ak-archive-empty-'));
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'sub', 'b.txt'), 'b');
  await writeFile(join(dir, '.hidden'), 'h');
  await writeFile(join(dir, '-dash'), 'not an option');
  await writeFile(join(dir, 'with space'), 's');
  await symlink('sub/b.txt', join(dir, 'link'));
});
afterAll(async () => {
  for (const folder of [dir, empty, busybox]) await rm(folder, { recursive: true, force: true });
});

async function tempFiles(): Promise<string[]> {
  return (await readdir('/tmp')).filter((name) => name.startsWith('.agentkernel-tmp-get-'));
}

describe.each(shells)('getArchiveViaExec with %s', (_label, shell, path) => {
  const handle = hostShellHandle(shell, path);

  it('packs every entry of the directory, dot files and odd names included, relative to it', async () => {
    const before = await tempFiles();
    const entries = await readTarEntries(await getArchiveViaExec(handle, dir));
    expect(entries.map((entry) => entry.path.replace(/^\.\//, '')).sort()).toEqual(
      ['-dash', '.hidden', 'link', 'sub/', 'sub/b.txt', 'with space'].sort(),
    );
    expect(entries.find((entry) => entry.path.endsWith('link'))?.linkpath).toBe('sub/b.txt');
    // The temporary archive goes once the stream is closed.
    await vi.waitFor(async () => expect(await tempFiles()).toEqual(before));
  });

  it('packs only the paths asked for', async () => {
    const entries = await readTarEntries(await getArchiveViaExec(handle, dir, ['sub/b.txt', '-dash']));
    expect(entries.map((entry) => entry.path).sort()).toEqual(['-dash', 'sub/b.txt']);
  });

  it('packs an empty directory as an archive of no entries', async () => {
    expect(await readTarEntries(await getArchiveViaExec(handle, empty))).toEqual([]);
  });

  it('names a missing entry or directory in a NotFoundError', async () => {
    const missing = await getArchiveViaExec(handle, dir, ['nope']).catch((error: unknown) => error);
    expect(NotFoundError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toContain(`no "nope" in ${dir}`);
    await expect(getArchiveViaExec(handle, join(dir, 'absent'))).rejects.toThrow(/no directory/);
  });
});

describe('checkArchiveEntry', () => {
  it('refuses absolute paths, .. and empty names, and normalises the rest', () => {
    for (const bad of ['/etc', '..', '../x', 'a/../../x', '', '.']) {
      expect(() => checkArchiveEntry('/w', bad, 'acme'), bad).toThrow(UsageError);
    }
    expect(checkArchiveEntry('/w', 'a//b/', 'acme')).toBe('a/b');
  });

  it('refuses an empty list of paths', async () => {
    const handle = hostShellHandle('/bin/sh', process.env.PATH ?? '');
    await expect(getArchiveViaExec(handle, dir, [])).rejects.toThrow(/empty list of paths/);
  });
});
