import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { Code, ConnectError } from '@connectrpc/connect';
import { resolveSandboxPath, type ResolvedPath } from './layout.js';
import type { FakeSandbox } from './state.js';

/** envd's `FileType`. */
export const FileType = { file: 1, directory: 2, symlink: 3 } as const;

function permissions(info: Stats): string {
  const kind = info.isDirectory() ? 'd' : info.isSymbolicLink() ? 'L' : '-';
  const bits = 'rwxrwxrwx';
  let out = kind;
  for (let i = 0; i < 9; i += 1) out += info.mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

const owner = (id: number): string => (id === 0 ? 'root' : String(id));

/** envd's `EntryInfo` of a path (not following a final symlink, whose target it reports). */
export async function entryInfo(resolved: ResolvedPath): Promise<Record<string, unknown>> {
  const info = await lstat(resolved.hostPath);
  const type = info.isSymbolicLink()
    ? FileType.symlink
    : info.isDirectory()
      ? FileType.directory
      : FileType.file;
  const millis = info.mtimeMs;
  return {
    name: posix.basename(resolved.sandboxPath),
    type,
    path: resolved.sandboxPath,
    size: BigInt(info.size),
    mode: info.mode & 0o777,
    permissions: permissions(info),
    owner: owner(info.uid),
    group: owner(info.gid),
    modifiedTime: { seconds: BigInt(Math.floor(millis / 1000)), nanos: Math.floor((millis % 1000) * 1e6) },
    ...(info.isSymbolicLink() ? { symlinkTarget: await readlink(resolved.hostPath) } : {}),
    metadata: {},
  };
}

/** Resolves a path of an RPC request, as a `NotFound` error when the fake backs no such folder. */
export async function resolveOrThrow(
  sandbox: FakeSandbox,
  path: string,
  followLast = true,
): Promise<ResolvedPath> {
  const resolved = await resolveSandboxPath(sandbox.root, path, followLast);
  if (resolved === undefined) throw new ConnectError(`path '${path}' does not exist`, Code.NotFound);
  return resolved;
}

export function requireWritable(resolved: ResolvedPath, path: string): void {
  if (!resolved.writable)
    throw new ConnectError(`permission denied: '${path}' is read-only`, Code.PermissionDenied);
}

/** Maps a Node file-system error to the Connect error envd would answer with. */
export function fsError(error: unknown, path: string): ConnectError {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new ConnectError(`path '${path}' does not exist`, Code.NotFound);
    case 'EEXIST':
      return new ConnectError(`path '${path}' already exists`, Code.AlreadyExists);
    case 'ENOTDIR':
      return new ConnectError(`path '${path}' is not a directory`, Code.InvalidArgument);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new ConnectError(`permission denied: '${path}'`, Code.PermissionDenied);
    default:
      return new ConnectError(`cannot access '${path}': ${(error as Error).message}`, Code.Internal);
  }
}
