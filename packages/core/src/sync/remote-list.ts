import type { SandboxHandle } from '../contract/backend.js';
import { BackendError } from '../errors/errors.js';
import { sha256Hex } from './hash.js';
import type { PruneName } from './ignore-rules.js';
import { HASH_SCRIPT, LIST_SCRIPT } from './remote-script.js';
import { decodeName } from './skipped.js';
import type { StatCache } from './sync-manifest.js';
import type { EntryKind, Tree } from './types.js';

export interface RuleFile {
  dir: string;
  name: string;
  content: string;
}

/** A sandbox entry that cannot be synced: its raw path bytes and why. */
export interface Unsyncable {
  /** The path as text when it is valid UTF-8 (so the same path can be left alone locally). */
  path?: string;
  raw: Buffer;
  reason: string;
}

export interface RemoteListing {
  tree: Tree;
  /** The sandbox clock (seconds) at the listing. */
  clock: number;
  /** `.gitignore` and `.agentkernelignore` files found in the sandbox. */
  ruleFiles: RuleFile[];
  /** Fifos, sockets, devices and names that are not UTF-8: never in `tree`. */
  unsyncable: Unsyncable[];
  /** Whether files were hashed (false after a listing that had to fall back to opening nothing). */
  hashed: boolean;
  /** Files the sandbox hashed for it (modified since `since`, give or take its 2-s window). */
  hashedFiles: number;
  /** Bytes of listing output received. */
  bytes: number;
  /** The `since` and prune names it was listed with. */
  since: number;
  prune: PruneName[];
  /**
   * The sha256 of the output after `T`: listed again with the same `since` and prune names, an
   * unchanged workspace gives it again (see {@link listingUnchanged}).
   */
  digest: string;
}

export interface ListOptions {
  /** The sandbox clock of the last listing; 0 hashes every file. */
  since: number;
  prune: readonly PruneName[];
  /** Digests of the last sync, used for files the listing did not hash. */
  cache?: StatCache;
  /** How long the listing may run before it is retried without opening any file. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Enough for hashing a large workspace; a listing stuck on a swapped-in fifo ends here. */
export const DEFAULT_LIST_TIMEOUT_MS = 60_000;
/** `since` value that makes the listing script open no file (see `LIST_SCRIPT`). */
const OPEN_NOTHING = -1;

const KINDS: Record<number, EntryKind> = { 0o100000: 'file', 0o040000: 'dir', 0o120000: 'symlink' };
const SPECIAL_KINDS: Record<number, string> = {
  0o010000: 'a fifo',
  0o140000: 'a socket',
  0o020000: 'a character device',
  0o060000: 'a block device',
};

/**
 * Lists the sandbox workspace in one exec (see {@link LIST_SCRIPT}). A listing that does not finish in
 * time (a file swapped for a fifo while it was hashed blocks the read) is run again opening nothing:
 * the files it could not hash then count as changed.
 */
export async function listRemote(
  handle: SandboxHandle,
  workspaceDir: string,
  options: ListOptions,
): Promise<RemoteListing> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
  const run = (since: number, limitMs: number) =>
    runListing(handle, workspaceDir, options, since, '-', limitMs);
  let result = await run(options.since, timeoutMs);
  const hashed = !result.timedOut;
  // Opening nothing, it cannot block; it is only given more time, in case the sandbox is just slow.
  if (result.timedOut) result = await run(OPEN_NOTHING, 4 * timeoutMs);
  if (result.timedOut)
    throw new BackendError(
      handle.ref.backend,
      `listing ${workspaceDir} in sandbox ${handle.ref.id} took over ${4 * timeoutMs} ms, even without reading any file`,
    );
  if (result.exitCode !== 0)
    throw scriptFailure(handle, 'list the workspace', workspaceDir, result.exitCode, result.stderr);
  try {
    const since = hashed ? options.since : OPEN_NOTHING;
    const digest = bodyDigest(result.stdout);
    return {
      ...parseListing(result.stdout, options.cache),
      hashed,
      since,
      prune: [...options.prune],
      digest,
    };
  } catch (error) {
    throw new BackendError(
      handle.ref.backend,
      `unreadable workspace listing from sandbox ${handle.ref.id}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Whether the workspace lists exactly as it did when a listing with these `since` and prune names gave
 * `digest`, found in the sandbox (see {@link LIST_SCRIPT}). Anything else, a listing that does not
 * finish in time included, is false: the caller then lists as usual.
 */
export async function listingUnchanged(
  handle: SandboxHandle,
  workspaceDir: string,
  options: ListOptions & { digest: string },
): Promise<boolean> {
  const limitMs = options.timeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
  const result = await runListing(handle, workspaceDir, options, options.since, options.digest, limitMs);
  if (result.timedOut || result.exitCode !== 0) return false;
  const clock = result.stdout.indexOf(0, 2);
  return clock > 0 && result.stdout.subarray(clock + 1).equals(UNCHANGED);
}

const UNCHANGED = Buffer.from('U\0');

function runListing(
  handle: SandboxHandle,
  workspaceDir: string,
  options: ListOptions,
  since: number,
  expect: string,
  timeoutMs: number,
) {
  const args = ['sh', '-c', LIST_SCRIPT, 'agentkernel-list', workspaceDir, String(since), expect];
  for (const { name, dirOnly } of options.prune) args.push(dirOnly ? 'd' : 'a', name);
  return handle.exec(args, { cwd: '/', signal: options.signal, timeoutMs });
}

/** The sha256 of a listing's output after its leading `T` clock, as the script computes it. */
function bodyDigest(stdout: Buffer): string {
  return sha256Hex(stdout.subarray(stdout.indexOf(0, 2) + 1));
}

/**
 * Hashes specific sandbox files in one exec; files that vanished are absent from the result, and so
 * is everything when hashing does not finish in time (the caller then treats them as changed).
 */
export async function hashRemote(
  handle: SandboxHandle,
  workspaceDir: string,
  paths: readonly string[],
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<Map<string, string>> {
  if (paths.length === 0) return new Map();
  const stdin = Buffer.from(paths.map((p) => `./${p}\0`).join(''));
  const result = await handle.exec(['sh', '-c', HASH_SCRIPT, 'agentkernel-hash', workspaceDir], {
    cwd: '/',
    stdin,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? DEFAULT_LIST_TIMEOUT_MS,
  });
  if (result.timedOut) return new Map();
  if (result.exitCode !== 0)
    throw scriptFailure(handle, 'hash files', workspaceDir, result.exitCode, result.stderr);
  return parseSha256Lines(result.stdout.toString('utf8'));
}

export function scriptFailure(
  handle: SandboxHandle,
  what: string,
  dir: string,
  exitCode: number,
  stderr: Buffer,
): BackendError {
  const detail = stderr.toString('utf8').trim();
  const reason =
    exitCode === 90
      ? `the folder ${dir} does not exist in the sandbox`
      : `exit code ${exitCode}${detail ? `: ${detail}` : ''}`;
  return new BackendError(handle.ref.backend, `could not ${what} in sandbox ${handle.ref.id}: ${reason}`);
}

/** Parses the output of {@link LIST_SCRIPT}. */
export function parseListing(
  stdout: Buffer,
  cache?: StatCache,
): Omit<RemoteListing, 'hashed' | 'since' | 'prune' | 'digest'> {
  const tree: Tree = new Map();
  const ruleFiles: RuleFile[] = [];
  // Keyed by the raw path: a path the walk met twice (renamed over while its folder was read) keeps only
  // what was seen last, in one of `tree` and `unsyncable`, never both.
  const unsyncable = new Map<string, Unsyncable>();
  const leaveOut = (entry: Unsyncable): void => {
    if (entry.path !== undefined) tree.delete(entry.path);
    unsyncable.set(entry.raw.toString('latin1'), entry);
  };
  const digests = new Map<string, string>();
  let clock = 0;
  let position = 0;
  const nextToken = (): Buffer => {
    const end = stdout.indexOf(0, position);
    if (end < 0) throw new Error(`truncated sandbox listing at byte ${position}`);
    const token = stdout.subarray(position, end);
    position = end + 1;
    return token;
  };
  const nextText = (): string => nextToken().toString('utf8');

  const addEntry = (rawPath: Buffer, stat: string): void => {
    const [hexMode = '', size = '0', mtime = '0'] = stat.split(' ');
    const mode = Number.parseInt(hexMode, 16);
    const kind = KINDS[mode & 0o170000];
    const path = decodeName(rawPath);
    if (path === '' || path === '.') return;
    if (path === undefined) {
      leaveOut({ raw: rawPath, reason: 'its name is not valid UTF-8' });
      return;
    }
    if (!kind) {
      const what = SPECIAL_KINDS[mode & 0o170000] ?? 'not a file, folder or symlink';
      leaveOut({ path, raw: rawPath, reason: `it is ${what}` });
      return;
    }
    unsyncable.delete(rawPath.toString('latin1'));
    tree.set(path, {
      kind,
      mode: kind === 'symlink' ? 0 : mode & 0o7777,
      size: kind === 'file' ? Number(size) : 0,
      mtimeMs: Number(mtime) * 1000,
    });
  };

  while (position < stdout.length) {
    const tag = nextText();
    if (tag === 'T') clock = Number(nextText());
    else if (tag === 'S') {
      const block = nextToken();
      for (let start = 0; start < block.length;) {
        const newline = block.indexOf(0x0a, start);
        const end = newline < 0 ? block.length : newline;
        const line = block.subarray(start, end);
        start = end + 1;
        // A digest line starts with 64 hex digits (or GNU's escape flag); a stat line with a short mode.
        const text = line.toString('latin1');
        const digest = SHA_LINE.exec(text);
        if (digest) {
          const name = decodeName(line.subarray(line.length - (digest[3] ?? '').length));
          if (name !== undefined) digests.set(unescapeSha256Name(digest[1] === '\\', name), digest[2] ?? '');
          continue;
        }
        // `hexmode size mtime ./path`: the path is everything after the third space.
        const third = nthIndex(text, ' ', 3);
        if (third > 0) addEntry(stripDot(line.subarray(third + 1)), text.slice(0, third));
      }
    } else if (tag === 'E') {
      const path = nextToken();
      addEntry(path, nextText());
    } else if (tag === 'L') {
      const path = decodeName(nextToken());
      const target = nextToken();
      const entry = path === undefined ? undefined : tree.get(path);
      // Seen last as something else than a symlink: the target read belongs to an earlier state.
      if (path === undefined || entry?.kind !== 'symlink') continue;
      const text = decodeName(target);
      if (text === undefined)
        leaveOut({ path, raw: Buffer.from(path), reason: 'its symlink target is not valid UTF-8' });
      else tree.set(path, { ...entry, target: text });
    } else if (tag === 'I') {
      const path = nextText();
      const slash = path.lastIndexOf('/');
      ruleFiles.push({
        dir: slash < 0 ? '' : path.slice(0, slash),
        name: path.slice(slash + 1),
        content: nextText(),
      });
    } else if (tag === 'H') {
      const path = nextText();
      digests.set(path, nextText());
    } else {
      throw new Error(`unexpected sandbox listing record ${JSON.stringify(tag)} at byte ${position}`);
    }
  }
  for (const [path, entry] of tree) {
    if (entry.kind !== 'file') continue;
    const digest = digests.get(path);
    const cached = cache?.get(path);
    if (digest !== undefined) entry.sha256 = digest;
    else if (cached && cached[0] === entry.size && cached[1] === entry.mtimeMs / 1000)
      entry.sha256 = cached[2];
  }
  return {
    tree,
    clock,
    ruleFiles,
    unsyncable: [...unsyncable.values()],
    hashedFiles: digests.size,
    bytes: stdout.length,
  };
}

function nthIndex(text: string, char: string, n: number): number {
  let index = -1;
  for (let i = 0; i < n; i++) {
    index = text.indexOf(char, index + 1);
    if (index < 0) return -1;
  }
  return index;
}

function stripDot(path: Buffer): Buffer {
  return path[0] === 0x2e && path[1] === 0x2f ? path.subarray(2) : path;
}

const SHA_LINE = /^(\\?)([0-9a-f]{64}) [ *]\.\/(.*)$/s;

/** The file name of a `sha256sum` line, undoing GNU's escapes (flagged by a leading backslash). */
function unescapeSha256Name(escaped: boolean, name: string): string {
  return escaped ? name.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)) : name;
}

/**
 * Parses `sha256sum` output for `./`-prefixed names. GNU escapes names holding `\`, newline or CR and
 * flags the line with a leading backslash; busybox prints names raw (names with newlines never get here).
 */
export function parseSha256Lines(text: string): Map<string, string> {
  const digests = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = SHA_LINE.exec(line);
    if (match) digests.set(unescapeSha256Name(match[1] === '\\', match[3] ?? ''), match[2] ?? '');
  }
  return digests;
}
