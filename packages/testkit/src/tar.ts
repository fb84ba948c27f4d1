import { gunzipSync, gzipSync } from 'node:zlib';

/** One entry of an archive built by {@link createTarGz}. */
export interface TarEntry {
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink';
  /** Permission bits; 0o644 for files and 0o755 for directories by default. */
  readonly mode?: number;
  readonly content?: Uint8Array | string;
  /** The target of a symlink. */
  readonly linkTarget?: string;
}

/** One entry read back by {@link readTarGz}. */
export interface TarListing {
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  readonly mode: number;
  readonly linkTarget: string;
  readonly content: Buffer;
}

const BLOCK = 512;
const TYPE_FLAGS = { file: '0', directory: '5', symlink: '2' } as const;

function putString(header: Buffer, value: string, offset: number, length: number, what: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length)
    throw new Error(`testkit tar: ${what} "${value}" is longer than ${length} bytes`);
  bytes.copy(header, offset);
}

const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;

function splitName(path: string): [prefix: string, name: string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  const cut = path.lastIndexOf('/', path.length - 2);
  return [path.slice(0, cut), path.slice(cut + 1)];
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const path = entry.type === 'directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  const [prefix, name] = splitName(path);
  putString(block, name, 0, 100, 'name');
  putString(block, octal(entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o644), 8), 100, 8, 'mode');
  putString(block, octal(0, 8), 108, 8, 'uid');
  putString(block, octal(0, 8), 116, 8, 'gid');
  putString(block, octal(size, 12), 124, 12, 'size');
  putString(block, octal(Math.floor(Date.now() / 1000), 12), 136, 12, 'mtime');
  block.write(' '.repeat(8), 148, 'latin1');
  block.write(TYPE_FLAGS[entry.type], 156, 'latin1');
  putString(block, entry.linkTarget ?? '', 157, 100, 'link target');
  block.write('ustar\x0000', 257, 'latin1');
  putString(block, prefix, 345, 155, 'path prefix');
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** Builds a gzip-compressed ustar archive, for feeding `putArchive` without any tar tool. */
export function createTarGz(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === 'file' ? Buffer.from(entry.content ?? '') : Buffer.alloc(0);
    parts.push(
      header(entry, content.length),
      content,
      Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK),
    );
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts));
}

const cString = (block: Buffer, offset: number, length: number): string => {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
};

const parseOctal = (block: Buffer, offset: number, length: number): number =>
  parseInt(cString(block, offset, length).trim() || '0', 8);

function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString('latin1'));
    if (space === -1 || !Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

function entryType(flag: string): TarListing['type'] {
  if (flag === '0' || flag === '\0' || flag === '7') return 'file';
  if (flag === '5') return 'directory';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

/** Lists a gzip-compressed tar (ustar, GNU long names, pax), with each file's content. */
export function readTarGz(archive: Uint8Array): TarListing[] {
  const data = gunzipSync(archive);
  const listing: TarListing[] = [];
  let longName: string | undefined;
  let longLink: string | undefined;
  for (let at = 0; at + BLOCK <= data.length;) {
    const block = data.subarray(at, at + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const size = parseOctal(block, 124, 12);
    const content = data.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    const flag = String.fromCharCode(block[156] ?? 0);
    if (flag === 'L' || flag === 'K') {
      const value = content.toString('utf8').replace(/\0+$/, '');
      if (flag === 'L') longName = value;
      else longLink = value;
      continue;
    }
    if (flag === 'x') {
      const records = paxRecords(content);
      longName = records.get('path') ?? longName;
      longLink = records.get('linkpath') ?? longLink;
      continue;
    }
    if (flag === 'g') continue;
    const prefix = block.subarray(257, 262).toString('latin1') === 'ustar' ? cString(block, 345, 155) : '';
    const rawPath =
      longName ?? (prefix === '' ? cString(block, 0, 100) : `${prefix}/${cString(block, 0, 100)}`);
    listing.push({
      path: rawPath.replace(/^\.\//, '').replace(/\/$/, ''),
      type: entryType(flag),
      mode: parseOctal(block, 100, 8) & 0o7777,
      linkTarget: longLink ?? cString(block, 157, 100),
      content: Buffer.from(content),
    });
    longName = undefined;
    longLink = undefined;
  }
  return listing;
}
