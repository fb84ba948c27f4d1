import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BackendError, putArchiveViaExec } from '@agentkernel/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBed, describeLocal, describeRemote, sandboxSh, type SyncBed } from './sync-fixtures.js';

let bed: SyncBed;
beforeAll(async () => {
  bed = await createBed('putexec');
});
afterAll(async () => {
  await bed.cleanup();
});

describe('putArchiveViaExec', () => {
  it('unpacks an archive through writeFile and tar -x, keeping modes and symlinks, and leaves no temporary file', async () => {
    const tree = await mkdtemp(join(bed.home, 'tree-'));
    await mkdir(join(tree, 'bin'));
    await writeFile(join(tree, 'bin', 'tool'), '#!/bin/sh\n', { mode: 0o750 });
    await writeFile(join(tree, 'data with space.bin'), Buffer.from([0, 1, 2, 255]));
    await symlink('bin/tool', join(tree, 'tool'));
    const archive = execFileSync('tar', ['-czf', '-', '-C', tree, '.']);

    await putArchiveViaExec(bed.handle, '/workspace/unpacked', Readable.from([archive]));
    expect(await describeRemote(bed.handle, '/workspace/unpacked')).toEqual(await describeLocal(tree));
    expect(await sandboxSh(bed.handle, 'find /workspace -name ".agentkernel-tmp-*" | wc -l')).toBe('0\n');
    await rm(tree, { recursive: true });
  });

  it('takes a folder relative to the workspace', async () => {
    const archive = execFileSync('sh', [
      '-c',
      'cd "$1" && printf relative > r.txt && tar -czf - r.txt',
      'sh',
      await mkdtemp(join(bed.home, 'rel-')),
    ]);
    await putArchiveViaExec(bed.handle, 'nested/rel', Readable.from([archive]));
    expect(await sandboxSh(bed.handle, 'cat /workspace/nested/rel/r.txt')).toBe('relative');
  });

  it('replaces files atomically: a truncated archive leaves every existing file as it was', async () => {
    await sandboxSh(bed.handle, 'mkdir -p atomic && printf old > atomic/a && printf old > atomic/b');
    const tree = await mkdtemp(join(bed.home, 'atomic-'));
    await writeFile(join(tree, 'a'), randomBytes(1 << 20));
    await writeFile(join(tree, 'b'), randomBytes(1 << 20));
    const archive = execFileSync('tar', ['-czf', '-', '-C', tree, 'a', 'b'], { maxBuffer: 8 << 20 });
    // Cut inside b: plain tar -x would leave a complete new a and a torn b.
    const cut = archive.subarray(0, Math.floor(archive.length * 0.75));
    const error = await putArchiveViaExec(bed.handle, '/workspace/atomic', Readable.from([cut])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(await sandboxSh(bed.handle, 'cat atomic/a atomic/b')).toBe('oldold');
    expect(await sandboxSh(bed.handle, 'find /workspace -name ".agentkernel-tmp-*" | wc -l')).toBe('0\n');
    await rm(tree, { recursive: true });
  });

  it('reports a failing tar with its exit code and message', async () => {
    const error = await putArchiveViaExec(
      bed.handle,
      '/workspace/bad',
      Readable.from([Buffer.from('not a gzip archive')]),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toMatch(
      /tar -x into \/workspace\/bad failed with exit code [1-9]/,
    );
    expect(await sandboxSh(bed.handle, 'find /workspace -name ".agentkernel-tmp-*" | wc -l')).toBe('0\n');
  });
});
