import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListing, parseSha256Lines } from '../../src/sync/remote-list.js';
import {
  CHMOD_SCRIPT,
  DELETE_SCRIPT,
  HASH_SCRIPT,
  LIST_SCRIPT,
  UNPACK_SCRIPT,
} from '../../src/sync/remote-script.js';

const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
const APPLETS = [
  'sh',
  'find',
  'stat',
  'sha256sum',
  'xargs',
  'readlink',
  'tr',
  'cat',
  'date',
  'mktemp',
  'touch',
  'rm',
  'rmdir',
  'chmod',
  'tar',
  'gzip',
  'mkdir',
  'mv',
];

let root: string;
let busyboxBin: string;

/** How each shell is started; busybox gets a PATH of busybox applets only, as on an Alpine image. */
const SHELLS = [
  { name: 'dash with GNU tools', available: true, command: () => ({ shell: 'dash', PATH: '/usr/bin:/bin' }) },
  { name: 'sh with GNU tools', available: true, command: () => ({ shell: 'sh', PATH: '/usr/bin:/bin' }) },
  {
    name: 'busybox ash with busybox tools',
    available: BUSYBOX !== undefined,
    command: () => ({ shell: join(busyboxBin, 'sh'), PATH: busyboxBin }),
  },
];

function run(spec: (typeof SHELLS)[number], script: string, args: string[], stdin?: Buffer, cwd?: string) {
  const { shell, PATH } = spec.command();
  const result = spawnSync(shell, ['-c', script, 'test', ...args], { env: { PATH }, input: stdin, cwd });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ak-remote-script-'));
  if (BUSYBOX) {
    busyboxBin = await mkdtemp(join(tmpdir(), 'ak-busybox-'));
    for (const applet of APPLETS) await symlink(BUSYBOX, join(busyboxBin, applet));
  } else {
    console.warn(
      'SKIPPED: busybox is not installed (apt-get install busybox); the sandbox scripts are tested under dash and sh only',
    );
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  if (busyboxBin) await rm(busyboxBin, { recursive: true, force: true });
});

const NAMES = [
  'plain.txt',
  'with space',
  'new\nline',
  'back\\slash',
  'ünïcödé-文件',
  '-dash',
  'tab\there',
  ' lead',
];
const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

async function makeTree(dir: string): Promise<void> {
  await mkdir(join(dir, 'sub', 'deep'), { recursive: true });
  await mkdir(join(dir, 'empty'));
  await mkdir(join(dir, 'node_modules', 'pkg'), { recursive: true });
  await mkdir(join(dir, 'sub', 'node_modules'), { recursive: true });
  await writeFile(join(dir, 'node_modules', 'pkg', 'index.js'), 'x');
  await writeFile(join(dir, 'sub', 'node_modules', 'y.js'), 'y');
  for (const name of NAMES) await writeFile(join(dir, 'sub', name), `content of ${name}`);
  await writeFile(join(dir, 'exec.sh'), '#!/bin/sh\n');
  await chmod(join(dir, 'exec.sh'), 0o751);
  await chmod(join(dir, 'empty'), 0o700);
  await writeFile(join(dir, '.gitignore'), 'a\0b\n*.log\n');
  await writeFile(join(dir, 'sub', 'deep', '.agentkernelignore'), '!keep.log\n');
  await symlink('../plain.txt', join(dir, 'sub', 'deep', 'up'));
  await symlink('target\nwith newline', join(dir, 'odd-link'));
  spawnSync('mkfifo', [join(dir, 'fifo')]);
  await writeFile(Buffer.from(`${dir}/bad\xffname`, 'latin1'), 'x');
}

describe.each(SHELLS.map((spec, index) => ({ spec, index, name: spec.name })))(
  'the sandbox scripts under $name',
  ({ spec, index }) => {
    it.skipIf(!spec.available)(
      'lists every name, kind, mode, size and symlink target, prunes, and hashes everything with since=0',
      async () => {
        const dir = join(root, `tree-${index}`);
        await makeTree(dir);
        const result = run(spec, LIST_SCRIPT, [dir, '0', '-', 'a', 'node_modules', 'd', 'empty-not-there']);
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        const listing = parseListing(result.stdout);

        const expected = new Map<string, string>();
        const walk = async (rel: string): Promise<void> => {
          for (const name of await readdir(join(dir, rel))) {
            const path = rel ? `${rel}/${name}` : name;
            if (name === 'node_modules') continue;
            if (name.includes('\ufffd')) continue;
            const stats = await lstat(join(dir, path));
            if (stats.isDirectory()) {
              expected.set(path, `dir ${(stats.mode & 0o7777).toString(8)}`);
              await walk(path);
            } else if (stats.isFile()) {
              expected.set(
                path,
                `file ${(stats.mode & 0o7777).toString(8)} ${stats.size} ${sha(await readFile(join(dir, path)))}`,
              );
            } else if (stats.isSymbolicLink()) {
              expected.set(path, 'symlink');
            }
          }
        };
        await walk('');
        const actual = new Map(
          [...listing.tree].map(([path, e]) => [
            path,
            e.kind === 'dir'
              ? `dir ${e.mode.toString(8)}`
              : e.kind === 'file'
                ? `file ${e.mode.toString(8)} ${e.size} ${e.sha256}`
                : 'symlink',
          ]),
        );
        expect(actual).toEqual(expected);
        expect(listing.tree.get('sub/deep/up')?.target).toBe('../plain.txt');
        expect(listing.tree.get('odd-link')?.target).toBe('target\nwith newline');
        expect(listing.tree.has('fifo')).toBe(false);
        expect(listing.unsyncable.map((u) => [u.path, u.reason])).toEqual(
          expect.arrayContaining([
            ['fifo', 'it is a fifo'],
            [undefined, 'its name is not valid UTF-8'],
          ]),
        );
        expect([...listing.ruleFiles].sort((a, b) => a.dir.localeCompare(b.dir))).toEqual([
          { dir: '', name: '.gitignore', content: 'ab\n*.log\n' },
          { dir: 'sub/deep', name: '.agentkernelignore', content: '!keep.log\n' },
        ]);
        const now = Math.floor(Date.now() / 1000);
        expect(Math.abs(listing.clock - now)).toBeLessThan(5);
        const mtime = Math.floor((await lstat(join(dir, 'exec.sh'))).mtimeMs / 1000);
        expect(listing.tree.get('exec.sh')?.mtimeMs).toBe(mtime * 1000);
      },
    );

    it.skipIf(!spec.available)(
      'skips hashing files older than since and takes their digest from the cache',
      async () => {
        const dir = join(root, `since-${index}`);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'old.txt'), 'old');
        await writeFile(join(dir, 'old-uncached.txt'), 'old2');
        await writeFile(join(dir, 'new.txt'), 'new');
        await writeFile(join(dir, 'new\nline'), 'newline new');
        await writeFile(join(dir, 'old\nline'), 'newline old');
        const past = new Date('2020-01-01T00:00:00Z');
        await utimes(join(dir, 'old.txt'), past, past);
        await utimes(join(dir, 'old-uncached.txt'), past, past);
        await utimes(join(dir, 'old\nline'), past, past);
        const since = Math.floor(Date.now() / 1000) - 60;
        const cache = new Map<string, [number, number, string]>([
          ['old.txt', [3, past.getTime() / 1000, 'cached-digest']],
        ]);
        const listing = parseListing(run(spec, LIST_SCRIPT, [dir, String(since), '-']).stdout, cache);
        expect(listing.tree.get('old.txt')?.sha256).toBe('cached-digest');
        expect(listing.tree.get('old-uncached.txt')?.sha256).toBeUndefined();
        expect(listing.tree.get('new.txt')?.sha256).toBe(sha('new'));
        expect(listing.tree.get('new\nline')?.sha256).toBe(sha('newline new'));
        expect(listing.tree.get('old\nline')).toMatchObject({ kind: 'file', size: 11 });
        expect(listing.tree.get('old\nline')?.sha256).toBeUndefined();
      },
    );

    it.skipIf(!spec.available)(
      'answers U for the listing whose digest it is given and X after any change, sending no listing',
      async () => {
        const dir = join(root, `digest-${index}`);
        await makeTree(dir);
        const past = new Date('2020-01-01T00:00:00Z');
        await writeFile(join(dir, 'old.txt'), 'aaaa');
        await utimes(join(dir, 'old.txt'), past, past);
        const since = String(Math.floor(Date.now() / 1000) - 60);
        const prune = ['a', 'node_modules'];
        const bodyDigest = (): string => {
          const full = run(spec, LIST_SCRIPT, [dir, since, '-', ...prune]).stdout;
          return sha(full.subarray(full.indexOf(0, 2) + 1));
        };
        const answer = (digest: string): string => {
          const out = run(spec, LIST_SCRIPT, [dir, since, digest, ...prune]);
          expect(out.status).toBe(0);
          return out.stdout.subarray(out.stdout.indexOf(0, 2) + 1).toString('latin1');
        };
        // find meets an unchanged folder's entries in the same order: the same listing, the same digest.
        const digest = bodyDigest();
        expect(bodyDigest()).toBe(digest);
        expect(answer(digest)).toBe('U\0');
        expect(answer('f'.repeat(64))).toBe('X\0');
        const changes = async (change: () => Promise<void>): Promise<string> => {
          const before = bodyDigest();
          await change();
          return answer(before);
        };

        // Same size and, to the second, the same mtime: only the digest of a recent file tells.
        const recent = join(dir, 'sub', 'plain.txt');
        const { mtime } = await lstat(recent);
        expect(
          await changes(async () => {
            await writeFile(recent, 'content of plain.txX');
            await utimes(recent, mtime, mtime);
          }),
        ).toBe('X\0');
        expect(await changes(() => chmod(join(dir, 'exec.sh'), 0o755))).toBe('X\0');
        const rules = join(dir, 'sub', 'deep', '.agentkernelignore');
        expect(await changes(() => writeFile(rules, '!keep.lox\n'))).toBe('X\0');
        const link = join(dir, 'sub', 'deep', 'up');
        expect(
          await changes(async () => {
            const { mtime: folderTime } = await lstat(join(dir, 'sub', 'deep'));
            await rm(link);
            await symlink('../other.txt', link);
            await utimes(join(dir, 'sub', 'deep'), folderTime, folderTime);
          }),
        ).toBe('X\0');
        expect(await changes(() => writeFile(join(dir, 'sub', 'new'), ''))).toBe('X\0');
        // A pruned folder is not listed, so changing it changes nothing.
        expect(await changes(() => writeFile(join(dir, 'node_modules', 'pkg', 'index.js'), 'changed'))).toBe(
          'U\0',
        );
      },
    );

    it.skipIf(!spec.available)(
      'hashes named files, applies a delete list (folders only when empty) and sets modes',
      async () => {
        const dir = join(root, `delete-${index}`);
        await mkdir(join(dir, 'full', 'kept'), { recursive: true });
        await mkdir(join(dir, 'emptied'), { recursive: true });
        await writeFile(join(dir, 'full', 'kept', 'ignored.bin'), 'i');
        await writeFile(join(dir, 'emptied', 'new\nline'), 'x');
        await writeFile(join(dir, 'back\\slash'), 'b');
        await symlink('/etc', join(dir, 'link-to-dir'));

        const hashed = parseSha256Lines(
          run(spec, HASH_SCRIPT, [dir], Buffer.from('./back\\slash\0./missing\0')).stdout.toString(),
        );
        expect(hashed).toEqual(new Map([['back\\slash', sha('b')]]));

        const list = ['emptied/new\nline', 'emptied', 'full', 'back\\slash', 'link-to-dir', 'not-there'];
        const result = run(spec, DELETE_SCRIPT, [dir], Buffer.from(list.map((p) => `./${p}\0`).join('')));
        expect(result.status).toBe(0);
        expect(result.stdout.toString()).toBe('....'); // one per path actually removed
        expect((await readdir(dir)).sort()).toEqual(['full']);
        expect(existsSync('/etc/passwd')).toBe(true);

        expect(run(spec, CHMOD_SCRIPT, [dir, '711', './full', '640', './full/kept/ignored.bin']).status).toBe(
          0,
        );
        expect((await lstat(join(dir, 'full'))).mode & 0o7777).toBe(0o711);
        expect((await lstat(join(dir, 'full', 'kept', 'ignored.bin'))).mode & 0o7777).toBe(0o640);
      },
    );

    it.skipIf(!spec.available)(
      'unpacks an archive by renaming each entry into place, merging existing folders',
      async () => {
        const dir = join(root, `unpack-${index}`);
        const source = join(root, `unpack-src-${index}`);
        const outside = join(root, `unpack-outside-${index}`);
        await mkdir(join(dir, 'sub'), { recursive: true });
        await mkdir(outside, { recursive: true });
        await writeFile(join(dir, 'keep'), 'kept');
        await writeFile(join(dir, 'a'), 'old a');
        await writeFile(join(dir, 'sub', 'old'), 'old');
        await symlink(outside, join(dir, 'link'));
        await mkdir(join(source, 'sub'), { recursive: true });
        await mkdir(join(source, 'fresh', 'deep'), { recursive: true });
        await writeFile(join(source, 'a'), 'new a');
        await writeFile(join(source, '.hidden'), 'h');
        await writeFile(join(source, 'sub', 'new\nline'), 'n');
        await writeFile(join(source, 'fresh', 'deep', 'f'), 'f');
        await writeFile(join(source, 'link'), 'a file where a symlink was');
        const tar = spawnSync('tar', ['-czf', join(dir, 'in.tar.gz'), '-C', source, '.']);
        expect(tar.status).toBe(0);

        const result = run(spec, UNPACK_SCRIPT, ['.agentkernel-tmp-put-x', 'in.tar.gz'], undefined, dir);
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        expect((await readdir(dir)).sort()).toEqual(['.hidden', 'a', 'fresh', 'keep', 'link', 'sub']);
        expect(await readFile(join(dir, 'a'), 'utf8')).toBe('new a');
        expect(await readFile(join(dir, 'keep'), 'utf8')).toBe('kept');
        expect((await readdir(join(dir, 'sub'))).sort()).toEqual(['new\nline', 'old']);
        expect(await readFile(join(dir, 'fresh', 'deep', 'f'), 'utf8')).toBe('f');
        expect((await lstat(join(dir, 'link'))).isFile()).toBe(true);
        expect(await readdir(outside)).toEqual([]);

        const cut = run(spec, UNPACK_SCRIPT, ['.agentkernel-tmp-put-y', '-'], Buffer.from('not gzip'), dir);
        expect(cut.status).not.toBe(0);
        expect((await readdir(dir)).sort()).toEqual(['.hidden', 'a', 'fresh', 'keep', 'link', 'sub']);
      },
    );
  },
);

describe('the listing script failures', () => {
  it('exits 90 when the workspace folder is missing', () => {
    const result = spawnSync('dash', ['-c', LIST_SCRIPT, 'test', join(root, 'nope'), '0']);
    expect(result.status).toBe(90);
  });
});
