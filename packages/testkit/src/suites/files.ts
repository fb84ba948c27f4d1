import { Readable } from 'node:stream';
import { describe, expect } from 'vitest';
import { AgentkernelError } from '@agentkernel/core';
import { ALL_BYTES, randomStream, sha256 } from '../bytes.js';
import { rejection, text, type Harness } from '../harness.js';

const isNotFound = (error: unknown): boolean => AgentkernelError.isInstance(error) && error.exitCode === 5;

export function fileTests(h: Harness): void {
  describe('files', () => {
    h.test('files-binary', 'writes and reads all 256 byte values, from bytes and from a stream', async () => {
      await h.shared.writeFile('bin/all.bin', ALL_BYTES);
      expect((await h.shared.readFile('bin/all.bin')).equals(ALL_BYTES)).toBe(true);
      await h.shared.writeFile(`${h.workspaceDir}/bin/streamed.bin`, Readable.from([ALL_BYTES, ALL_BYTES]));
      expect(
        (await h.shared.readFile('bin/streamed.bin')).equals(Buffer.concat([ALL_BYTES, ALL_BYTES])),
      ).toBe(true);
      const seen = await h.shared.exec(['sh', '-c', 'wc -c < bin/all.bin']);
      expect(text(seen.stdout).trim()).toBe('256');
    });

    h.test('files-large', 'streams a 50 MB file in and reads it back intact', async () => {
      const size = 50 * 1024 * 1024;
      const { stream, digest } = randomStream(size);
      await h.shared.writeFile('large.bin', stream);
      const back = await h.shared.readFile('large.bin');
      expect(back.length).toBe(size);
      expect(sha256(back)).toBe(digest());
      await h.shared.removeFile('large.bin');
    });

    h.test('files-names', 'handles spaces and unicode in names', async () => {
      const name = 'dir with space/ünïcødé 文件 ✓.txt';
      await h.shared.writeFile(name, Buffer.from('named'));
      expect(text(await h.shared.readFile(name))).toBe('named');
      const listed = await h.shared.exec(['cat', name]);
      expect(text(listed.stdout)).toBe('named');
    });

    h.test('files-replace-mode', 'replaces an existing file and applies the requested mode', async () => {
      await h.shared.writeFile('replace.txt', Buffer.from('first version, longer'));
      await h.shared.writeFile('replace.txt', Buffer.from('second'));
      expect(text(await h.shared.readFile('replace.txt'))).toBe('second');
      await h.shared.writeFile('tool.sh', Buffer.from('#!/bin/sh\necho ran\n'), { mode: 0o755 });
      expect(text((await h.shared.exec(['./tool.sh'])).stdout)).toBe('ran\n');
      await h.shared.writeFile('plain.txt', Buffer.from('x'));
      expect((await h.shared.exec(['sh', '-c', 'test -x plain.txt'])).exitCode).toBe(1);
    });

    h.test('files-not-found', 'readFile of a missing file rejects with NotFoundError', async () => {
      const error = await rejection(h.shared.readFile('no/such/file.txt'));
      expect(isNotFound(error), String(error)).toBe(true);
    });

    h.test('files-remove', 'removes files and directory trees; removing nothing succeeds', async () => {
      await h.shared.writeFile('rm/tree/a.txt', Buffer.from('a'));
      await h.shared.writeFile('rm/single.txt', Buffer.from('s'));
      await h.shared.removeFile('rm/single.txt');
      expect(isNotFound(await rejection(h.shared.readFile('rm/single.txt')))).toBe(true);
      await h.shared.removeFile('rm/tree');
      expect((await h.shared.exec(['sh', '-c', 'test -e rm/tree'])).exitCode).toBe(1);
      await h.shared.removeFile('rm/never-existed');
    });

    h.test('files-mkdir', 'creates directories with their parents; creating one again succeeds', async () => {
      await h.shared.mkdir('made/a/b/c');
      await h.shared.mkdir('made/a/b/c');
      await h.shared.mkdir(`${h.workspaceDir}/made/abs`);
      expect((await h.shared.exec(['sh', '-c', 'test -d made/a/b/c && test -d made/abs'])).exitCode).toBe(0);
    });
  });
}
