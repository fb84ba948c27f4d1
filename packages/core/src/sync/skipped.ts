import type { SkippedEntry, SyncOptions } from './types.js';

/**
 * Longest path (bytes) and file name written here: Linux's PATH_MAX - 1, less room for the temporary
 * name a file is written under first, and NAME_MAX.
 */
const MAX_PATH_BYTES = 4095 - 80;
const MAX_NAME_BYTES = 255;
/** Warnings printed per sync; the rest are counted (every entry stays in the report). */
const MAX_WARNINGS = 20;

const strict = new TextDecoder('utf-8', { fatal: true });

/** The bytes as UTF-8 text, or undefined when they are not valid UTF-8. */
export function decodeName(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A path as printable text: printable ASCII and valid non-control UTF-8 stay, a backslash is doubled,
 * and every other byte (control characters, newlines, bytes that are not UTF-8) becomes `\xNN`.
 */
export function escapePath(raw: Uint8Array | string): string {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const byte = bytes[i] as number;
    if (byte === 0x5c) {
      out += '\\\\';
      i++;
      continue;
    }
    if (byte >= 0x20 && byte < 0x7f) {
      out += String.fromCharCode(byte);
      i++;
      continue;
    }
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 ? 2 : 0;
    const char = length > 0 ? decodeName(bytes.subarray(i, i + length)) : undefined;
    if (char !== undefined && char.length > 0 && !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(char)) {
      out += char;
      i += length;
    } else {
      out += `\\x${byte.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}

/** Why `path` cannot be written under `root` on this machine, or undefined when it can. */
export function localPathProblem(root: string, path: string): string | undefined {
  if (Buffer.byteLength(root, 'utf8') + 1 + Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES)
    return `its path is too long for this machine (over ${MAX_PATH_BYTES} bytes with the project folder)`;
  if (path.split('/').some((name) => Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES))
    return `a name in it is longer than ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

/** Collects the entries a sync leaves out and warns about the first few. */
export class SkipLog {
  readonly entries: SkippedEntry[] = [];
  readonly #seen = new Set<string>();
  readonly #options: Pick<SyncOptions, 'onWarning'>;
  readonly #verb: string;

  constructor(options: Pick<SyncOptions, 'onWarning'>, verb: string) {
    this.#options = options;
    this.#verb = verb;
  }

  /** Records `path` (raw bytes or text) as left out; an entry below one already left out is not repeated. */
  add(raw: Uint8Array | string, reason: string): void {
    const path = escapePath(raw);
    if (this.#seen.has(path)) return;
    for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1))
      if (this.#seen.has(path.slice(0, i))) return;
    this.#seen.add(path);
    this.entries.push({ path, reason });
    if (this.entries.length <= MAX_WARNINGS) this.#options.onWarning?.(`${this.#verb} "${path}": ${reason}`);
  }

  /** Warns once about the entries beyond the first few. */
  finish(): void {
    const more = this.entries.length - MAX_WARNINGS;
    if (more > 0) this.#options.onWarning?.(`${this.#verb} ${more} more entries (see --json for all)`);
  }
}
