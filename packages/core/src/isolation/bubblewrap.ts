import { constants } from 'node:fs';
import { access, lstat, readlink, realpath } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { IsolationUnavailableError } from './errors.js';

/** Finds an executable on a PATH (the current process's by default). */
export async function findOnPath(
  name: string,
  searchPath: string | undefined = process.env.PATH,
): Promise<string | undefined> {
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Finds `bwrap` on a PATH (the current process's by default). Looking it up on PATH, rather than at a
 * fixed location, lets a user pick a build and lets tests simulate a machine without it.
 */
export function bubblewrapPath(
  searchPath: string | undefined = process.env.PATH,
): Promise<string | undefined> {
  return findOnPath('bwrap', searchPath);
}

/** Like {@link bubblewrapPath}, but throws {@link IsolationUnavailableError} (with the install command) when absent. */
export async function requireBubblewrap(searchPath?: string, backend?: string): Promise<string> {
  const found = await bubblewrapPath(searchPath);
  if (found === undefined) {
    throw new IsolationUnavailableError(
      'bubblewrap (bwrap) was not found on PATH',
      backend === undefined ? {} : { backend },
    );
  }
  return found;
}

const READ_ONLY_DIRS = ['/usr', '/etc'];
// On merged-/usr systems these are symlinks into /usr and must stay symlinks inside the sandbox.
const MAYBE_LINKED_DIRS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

let systemArgs: Promise<string[]> | undefined;

async function describeSystemDirs(): Promise<string[]> {
  const args: string[] = [];
  for (const dir of READ_ONLY_DIRS) args.push('--ro-bind', dir, dir);
  for (const dir of MAYBE_LINKED_DIRS) {
    const info = await lstat(dir).catch(() => undefined);
    if (info?.isSymbolicLink()) args.push('--symlink', await readlink(dir), dir);
    else if (info?.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** The read-only view of the host system every sandbox gets; computed once per process. */
export function systemBindArgs(): Promise<string[]> {
  systemArgs ??= describeSystemDirs();
  return systemArgs;
}

/**
 * `/etc/resolv.conf` is often a symlink into `/run` (systemd-resolved), which the sandbox does not
 * see; bind its target so name resolution works when the network is shared.
 */
export async function resolverBindArgs(): Promise<string[]> {
  const target = await realpath('/etc/resolv.conf').catch(() => undefined);
  if (target === undefined || target.startsWith('/etc/') || target.startsWith('/usr/')) return [];
  return ['--ro-bind-try', target, target];
}
