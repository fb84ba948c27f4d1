import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** A sandbox folder and the host folder that backs it. */
export interface PathMount {
  /** Absolute and normalised, e.g. `/workspace`. */
  readonly sandboxPath: string;
  readonly hostPath: string;
  readonly writable: boolean;
}

/** A sandbox path resolved to the host file that backs it. */
export interface ResolvedSandboxPath {
  readonly ok: true;
  /** The absolute sandbox path, every symlink before the last component resolved. */
  readonly sandboxPath: string;
  readonly hostPath: string;
  readonly writable: boolean;
}

/** Why a sandbox path has no host file. */
export type UnresolvedSandboxPath =
  /** The path itself lies outside every mount. */
  | { readonly ok: false; readonly reason: 'outside' }
  /** A symlink on the way leads outside every mount (the last one followed is named). */
  | { readonly ok: false; readonly reason: 'escapes'; readonly link: string; readonly target: string }
  /** More than 40 symlinks on the way, as the kernel's ELOOP. */
  | { readonly ok: false; readonly reason: 'loop' };

export interface ResolveSandboxPathOptions {
  /** The folder a relative path is under (the workspace, a user's home). */
  readonly base: string;
  /** Whether a final symlink is followed (read, write) or left as is (lstat, remove, rename). */
  readonly followFinal: boolean;
}

const MAX_SYMLINKS = 40;

const within = (path: string, prefix: string): boolean =>
  path === prefix || path.startsWith(prefix === '/' ? '/' : `${prefix}/`);

function mapPath(
  mounts: readonly PathMount[],
  path: string,
): Omit<ResolvedSandboxPath, 'ok' | 'sandboxPath'> | undefined {
  // The longest mount wins, so a mount inside another (a home under a read-only system folder) is seen.
  let best: PathMount | undefined;
  for (const mount of mounts) {
    if (
      within(path, mount.sandboxPath) &&
      (best === undefined || mount.sandboxPath.length > best.sandboxPath.length)
    )
      best = mount;
  }
  if (best === undefined) return undefined;
  return { hostPath: join(best.hostPath, path.slice(best.sandboxPath.length)), writable: best.writable };
}

/**
 * Resolves a sandbox path to the host file behind it, for anything that serves a sandbox's files from
 * host folders (the local backend, provider fakes). Every symlink is followed *in sandbox space* (an
 * absolute target is a sandbox path), so a link can only ever reach what the mounts expose: a path or a
 * link leading outside them is refused, never mapped to some host file. A folder that is not mounted but
 * holds a mount (`/home` above `/home/user`) may be passed through.
 */
export async function resolveSandboxPath(
  mounts: readonly PathMount[],
  path: string,
  options: ResolveSandboxPathOptions,
): Promise<ResolvedSandboxPath | UnresolvedSandboxPath> {
  let pending = posix.resolve(options.base, path).split('/').filter(Boolean);
  let current = '/';
  let links = 0;
  let lastLink: { link: string; target: string } | undefined;
  const refuse = (): UnresolvedSandboxPath =>
    lastLink === undefined ? { ok: false, reason: 'outside' } : { ok: false, reason: 'escapes', ...lastLink };
  while (pending.length > 0) {
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    const candidate = posix.join(current, name);
    const mapped = mapPath(mounts, candidate);
    if (mapped === undefined) {
      const holdsMount = mounts.some((mount) => mount.sandboxPath.startsWith(`${candidate}/`));
      if (!holdsMount || pending.length === 0) return refuse();
      current = candidate;
      continue;
    }
    if (pending.length === 0 && !options.followFinal) return { ok: true, sandboxPath: candidate, ...mapped };
    const info = await lstat(mapped.hostPath).catch(() => undefined);
    if (info?.isSymbolicLink() !== true) {
      current = candidate;
      continue;
    }
    if (++links > MAX_SYMLINKS) return { ok: false, reason: 'loop' };
    const target = await readlink(mapped.hostPath);
    lastLink = { link: candidate, target };
    pending = [...posix.resolve(current, target).split('/').filter(Boolean), ...pending];
    current = '/';
  }
  const mapped = mapPath(mounts, current);
  return mapped === undefined ? refuse() : { ok: true, sandboxPath: current, ...mapped };
}
