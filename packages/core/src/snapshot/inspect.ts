import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { ReadEntry } from 'tar';
import { revisionEntryPrefix } from '../sync/revision.js';
import { SecretScanner } from '../sync/secrets.js';
import { forEachTarEntry } from '../sync/tar-reader.js';

export interface ArchiveSummary {
  fileCount: number;
  bytes: number;
  /** agentkernel's workspace_revision of the archived tree. */
  revision: string;
  /** Files whose bytes hold one of the secrets given to {@link inspectArchive}. */
  withSecrets: string[];
}

interface Item {
  kind: 'dir' | 'file';
  offset: number;
  length: number;
  /** A hard link: the path whose bytes it shares. */
  linkTo?: string;
}

const SPOOL_READ = 1 << 20;

/**
 * Reads a gzip tar stream once and summarises it: file count, bytes, and the workspace revision.
 * The revision hashes files in sorted path order while archives come in folder order, so file bytes
 * are spooled to `spoolFile` (one sequential write) and read back by range in sorted order.
 */
export async function inspectArchive(
  archive: AsyncIterable<unknown>,
  spoolFile: string,
  secrets: readonly string[] = [],
): Promise<ArchiveSummary> {
  const withSecrets: string[] = [];
  const spool = await open(spoolFile, 'w+');
  try {
    const items = new Map<string, Item>();
    let offset = 0;
    let fileCount = 0;
    let bytes = 0;
    // Entry chunks are small (a few KiB); they are written in batches of about a MiB.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let written = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const batch = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await spool.write(batch, 0, batch.length, written);
      written += batch.length;
    };
    await forEachTarEntry(archive, async (entry: ReadEntry) => {
      const path = relativePath(entry.path);
      const kind =
        entry.type === 'Directory'
          ? 'dir'
          : ['File', 'OldFile', 'ContiguousFile', 'Link'].includes(entry.type)
            ? 'file'
            : undefined;
      if (path === undefined || kind === undefined) {
        entry.resume();
        return;
      }
      if (kind === 'dir') {
        entry.resume();
        items.set(path, { kind, offset: 0, length: 0 });
        return;
      }
      fileCount++;
      if (entry.type === 'Link') {
        entry.resume();
        const target = relativePath(entry.linkpath ?? '');
        const linked = target === undefined ? undefined : items.get(target);
        bytes += linked?.length ?? 0;
        items.set(path, { kind, offset: 0, length: 0, ...(target ? { linkTo: target } : {}) });
        return;
      }
      const start = offset;
      const scanner = new SecretScanner(secrets);
      for await (const buffer of entry) {
        scanner.update(buffer);
        pending.push(buffer);
        pendingBytes += buffer.length;
        offset += buffer.length;
        if (pendingBytes >= SPOOL_READ) await flush();
      }
      if (scanner.found) withSecrets.push(path);
      bytes += offset - start;
      items.set(path, { kind, offset: start, length: offset - start });
    });

    await flush();
    // Folders that only appear as parents of other entries still belong to the tree.
    for (const path of [...items.keys()]) {
      for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
        const parent = path.slice(0, i);
        if (!items.has(parent)) items.set(parent, { kind: 'dir', offset: 0, length: 0 });
      }
    }
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(SPOOL_READ);
    for (const path of [...items.keys()].sort()) {
      const item = items.get(path) as Item;
      hash.update(revisionEntryPrefix(path, item.kind));
      const source = item.linkTo === undefined ? item : items.get(item.linkTo);
      if (item.kind !== 'file' || !source) continue;
      for (let done = 0; done < source.length;) {
        const { bytesRead } = await spool.read(
          buffer,
          0,
          Math.min(SPOOL_READ, source.length - done),
          source.offset + done,
        );
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        done += bytesRead;
      }
    }
    return { fileCount, bytes, revision: hash.digest('hex'), withSecrets };
  } finally {
    await spool.close();
  }
}

/** The workspace-relative form of an archive path (`./a/b/` is `a/b`); undefined for the root or anything unsafe. */
function relativePath(raw: string): string | undefined {
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (raw.startsWith('/') || segments.includes('..') || segments.length === 0) return undefined;
  return segments.join('/');
}
