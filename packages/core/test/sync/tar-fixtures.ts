import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';

/** One raw tar entry, written by hand so a test can build archives no well-behaved tool would. */
export interface RawEntry {
  path: string;
  /** ustar type flag: 0 file, 1 hard link, 2 symlink, 3 char device, 4 block device, 5 folder, 6 fifo. */
  type?: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  mode?: number;
  linkpath?: string;
  body?: Buffer | string;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(entry: RawEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(entry.path, 0, 100, 'utf8');
  block.write(octal(entry.mode ?? (entry.type === '5' ? 0o755 : 0o644), 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(1_700_000_000, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(entry.type ?? '0', 156, 'ascii');
  if (entry.linkpath !== undefined) block.write(entry.linkpath, 157, 100, 'utf8');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'ascii');
  return block;
}

/** A gzip tar archive of `entries`, as bytes. */
export function rawTar(entries: readonly RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    parts.push(header(entry, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

export function rawTarStream(entries: readonly RawEntry[]): Readable {
  return Readable.from([rawTar(entries)]);
}
