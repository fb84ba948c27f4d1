import type { SandboxHandle } from '../contract/backend.js';
import { BackendError } from '../errors/errors.js';
import { HASH_SCRIPT, LIST_SCRIPT } from './remote-script.js';
import type { StatCache } from './sync-manifest.js';
import type { EntryKind, Tree } from './types.js';

export interface RuleFile {
  dir: string;
  name: string;
  content: string;
}

export interface RemoteListing {
  tree: Tree;
  /** The sandbox clock (seconds) at the listing. */
  clock: number;
  /** `.gitignore` and `.agentkernelignore` files found in the sandbox. */
  ruleFiles: RuleFile[];
  /** Bytes of listing output received. */
  bytes: number;
}

export interface ListOptions {
  /** The sandbox clock of the last listing; 0 hashes every file. */
  since: number;
  prune: readonly { name: string; dirOnly: boolean }[];
  /** Digests of the last sync, used for files the listing did not hash. */
  cache?: StatCache;
  signal?: AbortSignal;
}

const KINDS: Record<number, EntryKind> = { 0o100000: 'file', 0o040000: 'dir', 0o120000: 'symlink' };

/** Lists the sandbox workspace in one exec (see {@link LIST_SCRIPT}). */
export async function listRemote(
  handle: SandboxHandle,
  workspaceDir: string,
  options: ListOptions,
): Promise<RemoteListing> {
  const args = ['sh', '-c', LIST_SCRIPT, 'agentkernel-list', workspaceDir, String(options.since)];
  for (const { name, dirOnly } of options.prune) args.push(dirOnly ? 'd' : 'a', name);
  const result = await handle.exec(args, { cwd: '/', signal: options.signal });
  if (result.exitCode !== 0)
    throw scriptFailure(handle, 'list the workspace', workspaceDir, result.exitCode, result.stderr);
  try {
    return parseListing(result.stdout, options.cache);
  } catch (error) {
    throw new BackendError(
      handle.ref.backend,
      `unreadable workspace listing from sandbox ${handle.ref.id}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Hashes specific sandbox files in one exec; files that vanished are absent from the result. */
export async function hashRemote(
  handle: SandboxHandle,
  workspaceDir: string,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  if (paths.length === 0) return new Map();
  const stdin = Buffer.from(paths.map((p) => `./${p}\0`).join(''));
  const result = await handle.exec(['sh', '-c', HASH_SCRIPT, 'agentkernel-hash', workspaceDir], {
    cwd: '/',
    stdin,
    signal,
  });
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
export function parseListing(stdout: Buffer, cache?: StatCache): RemoteListing {
  const tree: Tree = new Map();
  const ruleFiles: RuleFile[] = [];
  let clock = 0;
  let position = 0;
  const next = (): string => {
    const end = stdout.indexOf(0, position);
    if (end < 0) throw new Error(`truncated sandbox listing at byte ${position}`);
    const token = stdout.toString('utf8', position, end);
    position = end + 1;
    return token;
  };
  const addEntry = (path: string, stat: string): void => {
    const [hexMode = '', size = '0', mtime = '0'] = stat.split(' ');
    const raw = Number.parseInt(hexMode, 16);
    const kind = KINDS[raw & 0o170000];
    if (!kind || path === '' || path === '.') return;
    tree.set(path, {
      kind,
      mode: kind === 'symlink' ? 0 : raw & 0o7777,
      size: kind === 'file' ? Number(size) : 0,
      mtimeMs: Number(mtime) * 1000,
    });
  };
  const digests = new Map<string, string>();
  while (position < stdout.length) {
    const tag = next();
    if (tag === 'T') clock = Number(next());
    else if (tag === 'S') {
      const block = next();
      for (const line of block.split('\n')) {
        // A digest line starts with 64 hex digits (or GNU's escape flag); a stat line with a short mode.
        if (SHA_LINE.test(line)) continue;
        // `hexmode size mtime ./path`: the path is everything after the third space.
        const third = nthIndex(line, ' ', 3);
        if (third > 0) addEntry(stripDot(line.slice(third + 1)), line.slice(0, third));
      }
      for (const [path, digest] of parseSha256Lines(block)) digests.set(path, digest);
    } else if (tag === 'E') {
      const path = next();
      addEntry(path, next());
    } else if (tag === 'L') {
      const path = next();
      const target = next();
      const entry = tree.get(path);
      if (entry) tree.set(path, { ...entry, target });
    } else if (tag === 'I') {
      const path = next();
      const slash = path.lastIndexOf('/');
      ruleFiles.push({
        dir: slash < 0 ? '' : path.slice(0, slash),
        name: path.slice(slash + 1),
        content: next(),
      });
    } else if (tag === 'H') {
      const path = next();
      digests.set(path, next());
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
  return { tree, clock, ruleFiles, bytes: stdout.length };
}

function nthIndex(text: string, char: string, n: number): number {
  let index = -1;
  for (let i = 0; i < n; i++) {
    index = text.indexOf(char, index + 1);
    if (index < 0) return -1;
  }
  return index;
}

function stripDot(path: string): string {
  return path.startsWith('./') ? path.slice(2) : path;
}

const SHA_LINE = /^(\\?)([0-9a-f]{64}) [ *]\.\/(.*)$/s;

/**
 * Parses `sha256sum` output for `./`-prefixed names. GNU escapes names holding `\`, newline or CR and
 * flags the line with a leading backslash; busybox prints names raw (names with newlines never get here).
 */
export function parseSha256Lines(text: string): Map<string, string> {
  const digests = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = SHA_LINE.exec(line);
    if (!match) continue;
    const [, escaped, digest = '', name = ''] = match;
    const path = escaped
      ? name.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c))
      : name;
    digests.set(path, digest);
  }
  return digests;
}
