import type { Readable } from 'node:stream';
import { forEachTarEntry } from '../../../src/sync/tar-reader.js';

/** The entries of a gzip tar stream: path (directories end in `/`) and link target. */
export async function readTarEntries(archive: Readable): Promise<{ path: string; linkpath?: string }[]> {
  const out: { path: string; linkpath?: string }[] = [];
  await forEachTarEntry(archive, async (entry) => {
    out.push({ path: entry.path, ...(entry.linkpath ? { linkpath: entry.linkpath } : {}) });
    entry.resume();
    await new Promise((resolve) => entry.once('end', resolve));
  });
  return out;
}
