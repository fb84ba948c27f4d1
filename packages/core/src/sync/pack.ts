import { PassThrough, Transform, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { forEachTarEntry } from './tar-reader.js';

export interface PackedArchive {
  /** The gzip-compressed tar stream. */
  stream: Readable;
  /** Compressed bytes emitted so far (final once the stream has ended). */
  compressedBytes(): number;
}

/** node-tar turns a second path to the same inode into a hard link entry; every file is sent whole. */
const NO_HARD_LINKS = { get: (): undefined => undefined, set: (): void => undefined };

/**
 * Packs `paths` (relative to `root`, parents before children) into one gzip tar stream: folders as
 * entries without their contents, symlinks as symlinks, exact modes and mtimes. Nothing is buffered
 * beyond stream chunks.
 */
export async function packPaths(
  root: string,
  paths: readonly string[],
  onBytes?: (uncompressed: number) => void,
): Promise<PackedArchive> {
  const { Pack } = await import('tar');
  const pack = new Pack({
    cwd: root,
    noDirRecurse: true,
    linkCache: NO_HARD_LINKS as unknown as Map<`${number}:${number}`, string>,
  });
  let uncompressed = 0;
  let compressed = 0;
  const countIn = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      uncompressed += chunk.length;
      onBytes?.(uncompressed);
      callback(null, chunk);
    },
  });
  const countOut = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      compressed += chunk.length;
      callback(null, chunk);
    },
  });
  const output = new PassThrough();
  const fail = (error: unknown): void => {
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  pack.on('error', fail);
  countIn.on('error', fail);
  const gzip = createGzip();
  gzip.on('error', fail);
  countOut.on('error', fail);
  (pack as unknown as Readable).pipe(countIn).pipe(gzip).pipe(countOut).pipe(output);
  for (const path of paths) pack.add(path);
  pack.end();
  return { stream: output, compressedBytes: () => compressed };
}

/**
 * Re-packs a gzip tar stream without the entries at `exclude` (workspace-relative paths), entry by
 * entry: input is read only as fast as the output is consumed.
 */
export async function filterArchive(source: Readable, exclude: ReadonlySet<string>): Promise<Readable> {
  const { Pack } = await import('tar');
  const pack = new Pack({ filter: (path) => !exclude.has(relativeEntryPath(path)) });
  const output = new PassThrough();
  const gzip = createGzip();
  const fail = (error: unknown): void => {
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  pack.on('error', fail);
  gzip.on('error', fail);
  (pack as unknown as Readable).pipe(gzip).pipe(output);
  forEachTarEntry(source, async (entry) => {
    pack.add(entry);
    await entry.promise();
  }).then(
    () => pack.end(),
    (error: unknown) => fail(error),
  );
  return output;
}

function relativeEntryPath(raw: string): string {
  return raw
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}
