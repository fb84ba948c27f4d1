import { Readable } from 'node:stream';
import { describe, expect } from 'vitest';
import { AgentkernelError } from '@agentkernel/core';
import { ALL_BYTES, readAll } from '../bytes.js';
import { rejection, text, type Harness } from '../harness.js';
import { createTarGz, readTarGz, type TarListing } from '../tar.js';

const fixture = () =>
  createTarGz([
    { path: 'docs', type: 'directory' },
    { path: 'docs/readme.md', type: 'file', content: '# hello\n' },
    { path: 'bin/run.sh', type: 'file', content: '#!/bin/sh\necho run\n', mode: 0o755 },
    { path: 'data/all.bin', type: 'file', content: ALL_BYTES, mode: 0o600 },
    { path: 'spaced name/ünï.txt', type: 'file', content: 'unicode' },
    { path: 'link-to-readme', type: 'symlink', linkTarget: 'docs/readme.md' },
  ]);

const byPath = (listing: TarListing[]) => new Map(listing.map((entry) => [entry.path, entry]));

export function archiveTests(h: Harness): void {
  describe('archives', () => {
    h.test('archive-put', 'putArchive unpacks files, modes and symlinks into a new directory', async () => {
      await h.shared.putArchive('put-target/inner', Readable.from([fixture()]));
      const sandbox = h.shared;
      expect(text(await sandbox.readFile('put-target/inner/docs/readme.md'))).toBe('# hello\n');
      expect((await sandbox.readFile('put-target/inner/data/all.bin')).equals(ALL_BYTES)).toBe(true);
      expect(text(await sandbox.readFile('put-target/inner/spaced name/ünï.txt'))).toBe('unicode');
      const checks = await sandbox.exec(
        ['sh', '-c', './bin/run.sh && readlink link-to-readme && ls -l data/all.bin'],
        {
          cwd: 'put-target/inner',
        },
      );
      const [ran, link, listing] = text(checks.stdout).split('\n');
      expect(ran).toBe('run');
      expect(link).toBe('docs/readme.md');
      expect(listing).toMatch(/^-rw-------/);
    });

    h.test('archive-put-replace', 'putArchive replaces existing files', async () => {
      await h.shared.writeFile('replace-target/docs/readme.md', Buffer.from('old content that is longer'));
      await h.shared.putArchive(`${h.workspaceDir}/replace-target`, Readable.from([fixture()]));
      expect(text(await h.shared.readFile('replace-target/docs/readme.md'))).toBe('# hello\n');
    });

    h.test(
      'archive-get',
      'getArchive packs a directory with modes and symlinks kept, entries relative to it',
      async () => {
        await h.shared.putArchive('get-source', Readable.from([fixture()]));
        const entries = byPath(readTarGz(await readAll(await h.shared.getArchive('get-source'))));
        expect(entries.get('docs/readme.md')?.content.toString()).toBe('# hello\n');
        expect(entries.get('bin/run.sh')?.mode).toBe(0o755);
        expect(entries.get('data/all.bin')?.mode).toBe(0o600);
        expect(entries.get('data/all.bin')?.content.equals(ALL_BYTES)).toBe(true);
        expect(entries.get('link-to-readme')).toMatchObject({
          type: 'symlink',
          linkTarget: 'docs/readme.md',
        });
        expect(entries.get('docs')?.type).toBe('directory');
        expect(entries.has('spaced name/ünï.txt')).toBe(true);
        for (const path of entries.keys())
          expect(path.startsWith('/') || path.startsWith('get-source')).toBe(false);
      },
    );

    h.test('archive-roundtrip', 'what getArchive packs, putArchive restores identically', async () => {
      await h.shared.putArchive('round/a', Readable.from([fixture()]));
      await h.shared.putArchive('round/b', await h.shared.getArchive('round/a'));
      const inventory =
        'find . | LC_ALL=C sort | while read -r p; do if [ -L "$p" ]; then echo "$p -> $(readlink "$p")"; ' +
        'elif [ -f "$p" ]; then echo "$p $(ls -l "$p" | cut -c1-10) $(cksum < "$p")"; else echo "$p dir"; fi; done';
      const a = await h.shared.exec(['sh', '-c', inventory], { cwd: 'round/a' });
      const b = await h.shared.exec(['sh', '-c', inventory], { cwd: 'round/b' });
      expect(a.exitCode).toBe(0);
      expect(text(b.stdout)).toBe(text(a.stdout));
      expect(text(a.stdout)).toContain('./link-to-readme -> docs/readme.md');
    });

    h.test(
      'archive-selected',
      'getArchive packs only the paths asked for; a missing path is NotFoundError',
      async () => {
        await h.shared.putArchive('selected', Readable.from([fixture()]));
        const listing = readTarGz(
          await readAll(await h.shared.getArchive('selected', ['docs/readme.md', 'spaced name/ünï.txt'])),
        );
        expect(listing.map((entry) => entry.path).sort()).toEqual(['docs/readme.md', 'spaced name/ünï.txt']);
        const error = await rejection(h.shared.getArchive('selected', ['docs/readme.md', 'not-there.txt']));
        expect(AgentkernelError.isInstance(error) && error.exitCode, String(error)).toBe(5);
      },
    );
  });
}
