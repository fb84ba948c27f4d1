import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** E2B's default user and its home, where envd starts commands and resolves relative paths. */
export const SANDBOX_USER = 'user';
export const SANDBOX_HOME = '/home/user';

/** A sandbox folder and the host folder (under the sandbox's root) that backs it. */
export interface Mount {
  readonly sandboxPath: string;
  readonly hostPath: string;
}

/** The writable folders of a fake sandbox; they persist across commands like a VM's disk. */
const WRITABLE = ['/workspace', SANDBOX_HOME, '/root', '/tmp', '/opt'];

/** Read-only host folders every command sees (the isolation binds them), readable through envd too. */
const SYSTEM = ['/usr', '/etc', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

export function sandboxMounts(root: string): Mount[] {
  return WRITABLE.map((sandboxPath) => ({ sandboxPath, hostPath: join(root, sandboxPath) }));
}

const within = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

/** Where a (normalised, absolute) sandbox path lives on the host, without following symlinks. */
function mapPath(root: string, path: string): { hostPath: string; writable: boolean } | undefined {
  for (const mount of sandboxMounts(root)) {
    if (within(path, mount.sandboxPath))
      return { hostPath: join(mount.hostPath, path.slice(mount.sandboxPath.length)), writable: true };
  }
  if (SYSTEM.some((prefix) => within(path, prefix))) return { hostPath: path, writable: false };
  return undefined;
}

/** A sandbox path resolved to the host file that backs it. */
export interface ResolvedPath {
  /** The absolute sandbox path, symlinks resolved. */
  readonly sandboxPath: string;
  readonly hostPath: string;
  readonly writable: boolean;
}

const MAX_LINKS = 40;

/**
 * Resolves `path` (relative paths are under the user's home, as envd does) inside the sandbox: every
 * symlink is followed *in sandbox space*, so a link can never reach a host file the sandbox cannot
 * see. With `followLast: false` the final component is left as is (for lstat, remove and rename).
 * Undefined when the path lies outside every folder the fake backs.
 */
export async function resolveSandboxPath(
  root: string,
  path: string,
  followLast = true,
): Promise<ResolvedPath | undefined> {
  let pending = posix.resolve(SANDBOX_HOME, path).split('/').filter(Boolean);
  let current = '/';
  let links = 0;
  while (pending.length > 0) {
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    const candidate = posix.join(current, name);
    const mapped = mapPath(root, candidate);
    if (mapped === undefined) {
      // `/home` is not backed by a folder, but `/home/user` below it is.
      const ancestor = WRITABLE.some((mount) => mount.startsWith(`${candidate}/`));
      if (!ancestor || pending.length === 0) return undefined;
      current = candidate;
      continue;
    }
    if (pending.length === 0 && !followLast) return { sandboxPath: candidate, ...mapped };
    const info = await lstat(mapped.hostPath).catch(() => undefined);
    if (info?.isSymbolicLink() !== true) {
      current = candidate;
      continue;
    }
    links += 1;
    if (links > MAX_LINKS) return undefined;
    const target = await readlink(mapped.hostPath);
    pending = [...posix.resolve(current, target).split('/').filter(Boolean), ...pending];
    current = '/';
  }
  const mapped = mapPath(root, current);
  return mapped === undefined ? undefined : { sandboxPath: current, ...mapped };
}
