import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UnsafeArchiveEntryError } from './errors.js';
import { TEMP_PREFIX } from './ignore-rules.js';

/**
 * Normalises an archive entry path to a workspace-relative POSIX path ('' for the root itself),
 * refusing absolute paths, `..` and NUL.
 */
export function checkEntryPath(raw: string): string {
  if (raw.includes('\0')) throw new UnsafeArchiveEntryError(raw, 'the path contains a NUL byte');
  if (raw.startsWith('/')) throw new UnsafeArchiveEntryError(raw, 'absolute paths are not allowed');
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new UnsafeArchiveEntryError(raw, '".." is not allowed in paths');
  return segments.join('/');
}

/**
 * Refuses a symlink whose target could point outside the workspace: absolute targets, more leading
 * `..` than the link is deep, and any `..` after a name (the name could itself be a symlink to a
 * shallower folder, so only a purely lexical climb is provably contained).
 */
export function checkSymlinkTarget(linkPath: string, target: string | undefined): void {
  if (!target) throw new UnsafeArchiveEntryError(linkPath, 'the symlink has no target');
  if (target.includes('\0'))
    throw new UnsafeArchiveEntryError(linkPath, 'the symlink target contains a NUL byte');
  if (target.startsWith('/'))
    throw new UnsafeArchiveEntryError(linkPath, `the symlink points outside the workspace (${target})`);
  let climbs = 0;
  let named = false;
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') named = true;
    else if (named)
      throw new UnsafeArchiveEntryError(
        linkPath,
        `the symlink target ${JSON.stringify(target)} climbs with ".." after a name`,
      );
    else climbs++;
  }
  if (climbs > linkPath.split('/').length - 1) {
    throw new UnsafeArchiveEntryError(linkPath, `the symlink points outside the workspace (${target})`);
  }
}

/**
 * Makes sure every ancestor of `path` inside `root` is a real folder (created when missing): writing
 * through a symlink or over a file is refused, so nothing lands outside the workspace.
 */
export async function ensureParents(root: string, path: string): Promise<void> {
  const segments = path.split('/');
  let current = root;
  for (let i = 0; i < segments.length - 1; i++) {
    current = join(current, segments[i] as string);
    const stats = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!stats) {
      await mkdir(current, { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    } else if (!stats.isDirectory()) {
      const what = stats.isSymbolicLink() ? 'a symlink' : 'not a folder';
      throw new UnsafeArchiveEntryError(
        path,
        `its parent ${segments.slice(0, i + 1).join('/')} is ${what} locally`,
      );
    }
  }
}

/** A fresh temporary name beside `target` (same folder, so the final rename is atomic). */
export function tempNameBeside(target: string): string {
  return join(
    dirname(target),
    `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${basename(target).slice(0, 40)}`,
  );
}

/**
 * Removes `path` under `root` without following symlinks on the way: a file or symlink is unlinked, a
 * folder removed only when empty (ignored files inside it stay). Returns whether something was removed.
 */
export async function removeLocalPath(root: string, path: string): Promise<boolean> {
  const segments = path.split('/');
  let current = root;
  for (let i = 0; i < segments.length - 1; i++) {
    current = join(current, segments[i] as string);
    const stats = await lstat(current).catch(() => undefined);
    if (!stats?.isDirectory()) return false;
  }
  const target = join(root, path);
  const stats = await lstat(target).catch(() => undefined);
  if (!stats) return false;
  try {
    if (stats.isDirectory()) await rmdir(target);
    else await unlink(target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return false;
    throw error;
  }
}
