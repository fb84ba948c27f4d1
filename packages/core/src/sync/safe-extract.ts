import { createHash } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, rename, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadEntry } from 'tar';
import { UnsafeArchiveEntryError } from './errors.js';
import { forEachTarEntry } from './tar-reader.js';
import { checkEntryPath, checkSymlinkTarget, ensureParents, tempNameBeside } from './safe-paths.js';
import type { EntryKind, TreeEntry } from './types.js';

export interface ExtractOptions {
  /** The local folder to unpack into. */
  root: string;
  /** The only entries accepted, with their kind; anything else in the archive is refused. */
  expected?: ReadonlyMap<string, EntryKind>;
  /** Called with the compressed bytes read so far and the file bytes written so far. */
  onProgress?: (compressedBytes: number, fileBytes: number) => void;
  /**
   * With it, an entry that cannot be written safely is left out and reported here, and the rest of
   * the archive is still unpacked; without it, such an entry stops the extraction with
   * `UnsafeArchiveEntryError`.
   */
  onSkip?: (path: string, reason: string) => void;
  signal?: AbortSignal;
}

export interface ExtractResult {
  /** What was written, as it now is locally (files carry their digest). */
  applied: Map<string, TreeEntry>;
  compressedBytes: number;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Unpacks a (gzip) tar stream from a sandbox into `root`, safely: every path and symlink target is
 * checked, devices and fifos are refused, nothing is written through a symlink, and each file is
 * written to a temporary name in its folder and renamed, so an interrupted extraction leaves every
 * file either old or new. A hard link to a file unpacked earlier comes back as a separate copy.
 * Entries are handled one at a time; memory stays flat for any size.
 */
export async function extractArchive(archive: Readable, options: ExtractOptions): Promise<ExtractResult> {
  const applied = new Map<string, TreeEntry>();
  let compressed = 0;
  let fileBytes = 0;
  const { compressedBytes } = await forEachTarEntry(
    archive,
    async (entry) => {
      try {
        await writeEntry(entry, options, applied, (n) => {
          fileBytes += n;
          options.onProgress?.(compressed, fileBytes);
        });
      } catch (error) {
        const reason = skippableReason(error);
        if (!options.onSkip || reason === undefined) throw error;
        entry.resume();
        options.onSkip(error instanceof UnsafeArchiveEntryError ? error.path : entry.path, reason);
      }
    },
    {
      signal: options.signal,
      onChunk: (total) => {
        compressed = total;
        options.onProgress?.(compressed, fileBytes);
      },
    },
  );
  return { applied, compressedBytes };
}

async function writeEntry(
  entry: ReadEntry,
  options: ExtractOptions,
  applied: Map<string, TreeEntry>,
  onBytes: (n: number) => void,
): Promise<void> {
  const path = checkEntryPath(entry.path);
  const kind = entryKind(entry, path);
  if (path === '' && kind === 'dir') {
    entry.resume();
    return;
  }
  const expected = options.expected;
  if (expected && expected.get(path) !== kind) {
    throw new UnsafeArchiveEntryError(
      path,
      expected.has(path) ? `expected a ${expected.get(path)}, got a ${kind}` : 'it was not requested',
    );
  }
  if (applied.has(path)) throw new UnsafeArchiveEntryError(path, 'it appears twice in the archive');
  await ensureParents(options.root, path);
  const target = join(options.root, path);

  if (kind === 'dir') {
    entry.resume();
    await mkdir(target, { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    const stats = await lstat(target);
    if (!stats.isDirectory()) throw new UnsafeArchiveEntryError(path, 'a non-folder is in the way locally');
    await chmod(target, (entry.mode ?? 0o755) & 0o7777);
    applied.set(path, { kind, mode: (entry.mode ?? 0o755) & 0o7777, size: 0, mtimeMs: stats.mtimeMs });
    return;
  }

  const temp = tempNameBeside(target);
  try {
    if (entry.type === 'Link') {
      entry.resume();
      const source = checkEntryPath(entry.linkpath ?? '');
      const original = applied.get(source);
      if (original?.kind !== 'file')
        throw new UnsafeArchiveEntryError(
          path,
          `it is a hard link to ${JSON.stringify(source)}, not to a file unpacked before it`,
        );
      await copyFile(join(options.root, source), temp, constants.COPYFILE_EXCL);
      await rename(temp, target);
      const stats = await lstat(target);
      applied.set(path, { ...original, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs });
      return;
    }
    if (kind === 'symlink') {
      entry.resume();
      checkSymlinkTarget(path, entry.linkpath);
      const linkTarget = entry.linkpath ?? '';
      await symlink(linkTarget, temp);
      await rename(temp, target);
      const stats = await lstat(target);
      applied.set(path, { kind, mode: 0, size: 0, mtimeMs: stats.mtimeMs, target: linkTarget });
      return;
    }
    // Set-id bits never come back from a sandbox.
    const mode = (entry.mode ?? 0o644) & 0o777;
    const hash = createHash('sha256');
    await pipeline(
      entry,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          onBytes(chunk.length);
          yield chunk;
        }
      },
      createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
    );
    await chmod(temp, mode);
    await rename(temp, target);
    const stats = await lstat(target);
    applied.set(path, {
      kind,
      mode,
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      ctimeMs: stats.ctimeMs,
      sha256: hash.digest('hex'),
    });
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Why an entry may be left out rather than stop the extraction, or undefined for real failures. */
function skippableReason(error: unknown): string | undefined {
  if (error instanceof UnsafeArchiveEntryError) return error.reason;
  if ((error as NodeJS.ErrnoException).code === 'ENAMETOOLONG')
    return 'its path is too long for this machine';
  return undefined;
}

function entryKind(entry: ReadEntry, path: string): EntryKind {
  if (FILE_TYPES.has(entry.type)) return 'file';
  if (entry.type === 'Directory') return 'dir';
  if (entry.type === 'SymbolicLink') return 'symlink';
  if (entry.type === 'Link') return 'file';
  if (entry.type === 'CharacterDevice' || entry.type === 'BlockDevice')
    throw new UnsafeArchiveEntryError(path, 'device files are not allowed');
  if (entry.type === 'FIFO') throw new UnsafeArchiveEntryError(path, 'fifos are not allowed');
  throw new UnsafeArchiveEntryError(path, `unsupported entry type ${entry.type}`);
}
