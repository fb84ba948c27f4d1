import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIgnoreRules } from '../../src/sync/ignore-rules.js';
import { scanLocal } from '../../src/sync/local-index.js';
import { workspaceRevision } from '../../src/sync/revision.js';

let dir: string;
const past = new Date('2021-06-01T00:00:00Z');
const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ak-local-index-'));
  await mkdir(join(dir, 'a', 'empty'), { recursive: true });
  await mkdir(join(dir, 'node_modules'));
  await mkdir(join(dir, 'pkg', 'out'), { recursive: true });
  await writeFile(join(dir, 'a', 'b.txt'), 'bee\n');
  await writeFile(join(dir, 'c.bin'), Buffer.from([0, 1, 2, 255, 0, 10]));
  await writeFile(join(dir, '.gitignore'), '*.log\n');
  await writeFile(join(dir, 'x.log'), 'log');
  await writeFile(join(dir, 'node_modules', 'm.js'), 'module');
  await writeFile(join(dir, 'pkg', '.gitignore'), 'out/\n!keep.log\n');
  await writeFile(join(dir, 'pkg', 'keep.log'), 'kept');
  await writeFile(join(dir, 'pkg', 'out', 'gen.js'), 'generated');
  await writeFile(join(dir, 'run.sh'), '#!/bin/sh\n');
  await writeFile(join(dir, 'a', '.agentkernel-tmp-0123-b.txt'), 'partial');
  await chmod(join(dir, 'run.sh'), 0o755);
  await symlink('a/b.txt', join(dir, 'link'));
  for (const file of ['a/b.txt', 'c.bin', '.gitignore', 'pkg/.gitignore', 'pkg/keep.log', 'run.sh']) {
    await utimes(join(dir, file), past, past);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scanLocal', () => {
  it('records files, folders and symlinks with modes, applies nested rules, and sets temp files aside', async () => {
    const { tree, tempFiles } = await scanLocal(dir, { rules: await createIgnoreRules() });
    expect([...tree.keys()].sort()).toEqual([
      '.gitignore',
      'a',
      'a/b.txt',
      'a/empty',
      'c.bin',
      'link',
      'pkg',
      'pkg/.gitignore',
      'pkg/keep.log',
      'run.sh',
    ]);
    expect(tree.get('run.sh')).toMatchObject({
      kind: 'file',
      mode: 0o755,
      size: 10,
      sha256: sha('#!/bin/sh\n'),
    });
    expect(tree.get('link')).toMatchObject({ kind: 'symlink', target: 'a/b.txt' });
    expect(tree.get('a/empty')).toMatchObject({ kind: 'dir', mode: 0o755 });
    expect(tempFiles).toEqual(['a/.agentkernel-tmp-0123-b.txt']);
  });

  it('reuses cached digests for files whose size and ctime did not change, once they are settled', async () => {
    const ctime = async (path: string): Promise<number> => (await lstat(join(dir, path))).ctimeMs;
    const cache = new Map<string, [number, number, string]>([
      ['a/b.txt', [4, await ctime('a/b.txt'), 'cached']],
      // The mtime is what it was when cached: only the ctime tells that the file changed since.
      ['c.bin', [6, past.getTime(), 'stale']],
    ]);
    const scan = async () => scanLocal(dir, { rules: await createIgnoreRules(), cache });
    // Changed less than 2 s ago, a file may change again within the same tick: it is read anyway.
    expect((await scan()).tree.get('a/b.txt')?.sha256).toBe(sha('bee\n'));
    await sleep(Math.max(0, (await ctime('a/b.txt')) + 2_100 - Date.now()));
    const { tree, bytesHashed } = await scan();
    expect(tree.get('a/b.txt')?.sha256).toBe('cached');
    expect(tree.get('c.bin')?.sha256).toBe(sha(Buffer.from([0, 1, 2, 255, 0, 10])));
    expect(bytesHashed).toBe(6 + 6 + 15 + 4 + 10); // every file but the cached one
  });
});

/** The revision computed independently with find, sort, cat and sha256sum (ASCII names only). */
function shellRevision(root: string, exclude: string[]): string {
  const filter = exclude.map((e) => ` | grep -v -e '${e}'`).join('');
  const script =
    `cd "$1" && find . -mindepth 1 \\( -type d -o -type f \\) -printf '%P\\n' | LC_ALL=C sort${filter} | ` +
    `while IFS= read -r p; do printf '%s' "$p"; if [ -d "$p" ]; then printf dir; else printf file; cat "$p"; fi; done | sha256sum`;
  return execFileSync('sh', ['-c', script, 'revision', root]).toString().slice(0, 64);
}

describe('workspaceRevision', () => {
  it("matches agentkernel's definition over every folder and file", async () => {
    expect(await workspaceRevision(dir, { ignore: false })).toBe(shellRevision(dir, []));
  });

  it('leaves out what the sync ignores by default', async () => {
    const expected = shellRevision(dir, ['^node_modules', '^x\\.log$', '^pkg/out', '\\.agentkernel-tmp-']);
    expect(await workspaceRevision(dir)).toBe(expected);
    expect(expected).not.toBe(shellRevision(dir, []));
  });

  it('is the digest of nothing for an empty folder', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'ak-empty-'));
    expect(await workspaceRevision(empty)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    await rm(empty, { recursive: true });
  });
});
