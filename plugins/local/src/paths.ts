import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { UsageError } from '@agentkernel/core';
import { BACKEND_NAME } from './name.js';

const MAX_SYMLINKS = 40;

/** Where a sandbox's workspace lives on the host and in the sandbox. */
export interface Workspace {
  /** The sandbox name, for messages. */
  readonly name: string;
  /** The host folder. */
  readonly root: string;
  /** The directory commands see, e.g. `/workspace`. */
  readonly dir: string;
}

function outside(workspace: Workspace, path: string): UsageError {
  return new UsageError(
    `path "${path}" is outside ${workspace.dir}, the workspace of sandbox ${workspace.name}; ` +
      'the local backend keeps only the workspace between commands, so use exec for anything else',
    { backend: BACKEND_NAME },
  );
}

function relativeParts(workspace: Workspace, path: string): string[] | undefined {
  const absolute = posix.resolve(workspace.dir, path);
  if (absolute === workspace.dir) return [];
  return absolute.startsWith(`${workspace.dir}/`)
    ? absolute.slice(workspace.dir.length + 1).split('/')
    : undefined;
}

/** The path's components relative to the workspace directory, refusing anything outside it (lexically). */
export function workspaceRelative(workspace: Workspace, path: string): string[] {
  const parts = relativeParts(workspace, path);
  if (parts === undefined) throw outside(workspace, path);
  return parts;
}

/**
 * Maps a sandbox path to the host path that backs it, following symlinks as the sandbox would see them
 * (an absolute target is a sandbox path) and refusing any path that leaves the workspace, through `..`
 * or through a symlink. With `followFinal: false` a final symlink is returned itself (to replace or
 * remove it), never its target. The result contains no symlink before its final component.
 */
export async function hostPath(workspace: Workspace, path: string, followFinal: boolean): Promise<string> {
  const pending = workspaceRelative(workspace, path);
  const current: string[] = [];
  let links = 0;
  for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
    if (part === '' || part === '.') continue;
    // Only a symlink's target can bring `..` here: the path itself was normalised above.
    if (part === '..') {
      if (current.pop() !== undefined) continue;
      throw new UsageError(
        `path "${path}" leaves the workspace of sandbox ${workspace.name} through a symlink`,
        {
          backend: BACKEND_NAME,
        },
      );
    }
    const candidate = join(workspace.root, ...current, part);
    const info =
      pending.length === 0 && !followFinal ? undefined : await lstat(candidate).catch(() => undefined);
    if (!info?.isSymbolicLink()) {
      current.push(part);
      continue;
    }
    if (++links > MAX_SYMLINKS) {
      throw new UsageError(`path "${path}" in sandbox ${workspace.name} has too many levels of symlinks`, {
        backend: BACKEND_NAME,
      });
    }
    const target = await readlink(candidate);
    if (posix.isAbsolute(target)) {
      const rest = relativeParts(workspace, target);
      if (rest === undefined) {
        const link = posix.join(workspace.dir, ...current, part);
        throw new UsageError(
          `path "${path}" leaves the workspace of sandbox ${workspace.name} through the symlink ${link} -> ${target}`,
          { backend: BACKEND_NAME },
        );
      }
      current.length = 0;
      pending.unshift(...rest);
    } else {
      pending.unshift(...target.split('/'));
    }
  }
  return join(workspace.root, ...current);
}
