import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentkernelError } from '../../src/errors/errors.js';
import { UnsafeArchiveEntryError } from '../../src/sync/errors.js';
import { extractArchive } from '../../src/sync/safe-extract.js';
import { rawTar, rawTarStream, type RawEntry } from './tar-fixtures.js';

let parent: string;
let root: string;
let outside: string;

beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'ak-extract-'));
  root = join(parent, 'workspace');
  outside = join(parent, 'outside');
  await mkdir(root);
  await mkdir(outside);
});
afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

/** Everything under a folder, for "nothing was written" checks. */
async function listAll(dir: string): Promise<string[]> {
  const result: string[] = [];
  for (const name of await readdir(dir)) {
    result.push(name);
    const stats = await lstat(join(dir, name));
    if (stats.isDirectory()) result.push(...(await listAll(join(dir, name))).map((n) => `${name}/${n}`));
  }
  return result.sort();
}

const HOSTILE: Record<string, RawEntry[]> = {
  'an absolute path': [{ path: '/tmp/ak-absolute-escape', body: 'x' }],
  'a leading ../': [{ path: '../outside/x', body: 'x' }],
  'a/../../x': [{ path: 'a/../../outside/x', body: 'x' }],
  'a symlink to /etc then a file through it': [
    { path: 'etc', type: '2', linkpath: '/etc' },
    { path: 'etc/agentkernel-hostile-test', body: 'x' },
  ],
  'a symlink to an absolute outside folder': [{ path: 'out', type: '2', linkpath: '/tmp' }],
  'a symlink ..': [{ path: 'up', type: '2', linkpath: '..' }],
  'a symlink climbing after a name': [
    { path: 'self', type: '2', linkpath: '.' },
    { path: 'esc', type: '2', linkpath: 'self/..' },
  ],
  'a file through an in-workspace symlink': [
    { path: 'real', type: '5' },
    { path: 'alias', type: '2', linkpath: 'real' },
    { path: 'alias/x', body: 'x' },
  ],
  'a hard link to a file outside the archive': [{ path: 'b', type: '1', linkpath: 'not-unpacked' }],
  'a hard link out of the workspace': [{ path: 'b', type: '1', linkpath: '../outside/x' }],
  'a character device': [{ path: 'null', type: '3' }],
  'a block device': [{ path: 'disk', type: '4' }],
  'a fifo': [{ path: 'pipe', type: '6' }],
};

describe('extractArchive refuses hostile archives', () => {
  it.each(Object.entries(HOSTILE))(
    'refuses %s and writes nothing outside the workspace',
    async (_name, entries) => {
      const error = await extractArchive(rawTarStream(entries), { root }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UnsafeArchiveEntryError);
      expect(AgentkernelError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('refused archive entry');
      expect(await listAll(outside)).toEqual([]);
      expect(existsSync('/etc/agentkernel-hostile-test')).toBe(false);
      expect(existsSync('/tmp/ak-absolute-escape')).toBe(false);
      expect((await listAll(root)).filter((n) => n.includes('.agentkernel-tmp-'))).toEqual([]);
    },
  );

  it.each(Object.entries(HOSTILE))(
    'with onSkip, leaves out %s, names it, and unpacks the rest',
    async (_name, entries) => {
      const skipped: string[] = [];
      const archive = rawTarStream([...entries, { path: 'zz-after.txt', body: 'after' }]);
      const { applied } = await extractArchive(archive, {
        root,
        onSkip: (path, reason) => skipped.push(`${path}: ${reason}`),
      });
      expect(skipped.length).toBeGreaterThan(0);
      expect(await readFile(join(root, 'zz-after.txt'), 'utf8')).toBe('after');
      expect(applied.has('zz-after.txt')).toBe(true);
      expect(await listAll(outside)).toEqual([]);
      expect(existsSync('/etc/agentkernel-hostile-test')).toBe(false);
      expect(existsSync('/tmp/ak-absolute-escape')).toBe(false);
    },
  );

  it('refuses an entry that was not requested, or of another kind than requested', async () => {
    const expected = new Map([['wanted', 'file' as const]]);
    await expect(
      extractArchive(rawTarStream([{ path: 'unwanted', body: 'x' }]), { root, expected }),
    ).rejects.toThrow(/not requested/);
    await expect(
      extractArchive(rawTarStream([{ path: 'wanted', type: '2', linkpath: 'x' }]), { root, expected }),
    ).rejects.toThrow(/expected a file, got a symlink/);
    expect(await listAll(root)).toEqual([]);
  });
});

describe('extractArchive', () => {
  it('writes files, folders and symlinks with their modes and reports digests', async () => {
    await writeFile(join(root, 'replace.txt'), 'old');
    const body = Buffer.from('#!/bin/sh\necho hi\n');
    const { applied } = await extractArchive(
      rawTarStream([
        { path: 'bin/', type: '5', mode: 0o750 },
        { path: 'bin/run', body, mode: 0o4755 },
        { path: 'replace.txt', body: 'new' },
        { path: 'deep/er/file with space', body: 'x' },
        { path: 'bin/link', type: '2', linkpath: '../replace.txt' },
      ]),
      { root },
    );
    expect((await lstat(join(root, 'bin'))).mode & 0o7777).toBe(0o750);
    expect((await lstat(join(root, 'bin/run'))).mode & 0o7777).toBe(0o755); // set-id bits dropped
    expect(await readFile(join(root, 'replace.txt'), 'utf8')).toBe('new');
    expect(await readFile(join(root, 'deep/er/file with space'), 'utf8')).toBe('x');
    expect(await readlink(join(root, 'bin/link'))).toBe('../replace.txt');
    expect(applied.get('bin/run')?.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(applied.get('bin/link')).toMatchObject({ kind: 'symlink', target: '../replace.txt' });
    expect((await listAll(root)).filter((n) => n.includes('.agentkernel-tmp-'))).toEqual([]);
  });

  it('brings a hard link back as a separate file with the same bytes', async () => {
    const { applied } = await extractArchive(
      rawTarStream([
        { path: 'a', body: 'shared', mode: 0o640 },
        { path: 'sub/b', type: '1', linkpath: 'a' },
      ]),
      {
        root,
        expected: new Map([
          ['a', 'file' as const],
          ['sub/b', 'file' as const],
        ]),
      },
    );
    expect(await readFile(join(root, 'sub/b'), 'utf8')).toBe('shared');
    expect((await lstat(join(root, 'sub/b'))).mode & 0o777).toBe(0o640);
    expect((await lstat(join(root, 'a'))).nlink).toBe(1);
    expect(applied.get('sub/b')?.sha256).toBe(applied.get('a')?.sha256);
  });

  it('leaves a file whole when the stream breaks in the middle of it', async () => {
    await writeFile(join(root, 'big.bin'), 'old content');
    const archive = rawTar([{ path: 'big.bin', body: Buffer.alloc(1 << 20, 7) }]);
    const half = archive.subarray(0, archive.length >> 1);
    const broken = Readable.from(
      (async function* () {
        yield half;
        throw new Error('connection lost');
      })(),
    );
    await expect(extractArchive(broken, { root })).rejects.toThrow(/connection lost/);
    expect(await readFile(join(root, 'big.bin'), 'utf8')).toBe('old content');
    expect(await readdir(root)).toEqual(['big.bin']);
  });

  it('does not follow an existing local symlink when replacing it', async () => {
    await writeFile(join(outside, 'victim'), 'safe');
    await symlink(join(outside, 'victim'), join(root, 'file'));
    await extractArchive(rawTarStream([{ path: 'file', body: 'replaced' }]), { root });
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('safe');
    expect((await lstat(join(root, 'file'))).isFile()).toBe(true);
  });
});
