import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { forEachTarEntry } from '../../src/sync/tar-reader.js';

function gnuTar(args: string[]): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tar-reader-'));
  try {
    return execFileSync('tar', ['-czf', '-', '-C', dir, ...args]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function entries(archive: Buffer): Promise<string[]> {
  const seen: string[] = [];
  await forEachTarEntry(Readable.from([archive]), async (entry) => {
    seen.push(entry.path);
    entry.resume();
  });
  return seen;
}

describe('forEachTarEntry', () => {
  it('reads the archive of an empty folder as no entries', async () => {
    expect(await entries(gnuTar(['-T', '/dev/null']))).toEqual([]);
  });

  it('still refuses a gzip stream that holds no tar at all', async () => {
    await expect(
      entries(gzipSync(Buffer.from('this is not a tar archive, just text '.repeat(40)))),
    ).rejects.toMatchObject({
      code: 'TAR_ENTRY_INVALID',
    });
  });

  it('still refuses an empty stream', async () => {
    await expect(entries(Buffer.alloc(0))).rejects.toMatchObject({ code: 'TAR_BAD_ARCHIVE' });
  });
});
