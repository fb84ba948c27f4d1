import { posix } from 'node:path';
import { UsageError } from '@agentkernel/core';
import { resolveSandboxPath } from '@agentkernel/core/isolation';
import { BACKEND_NAME } from './name.js';

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
      'the local backend reads and writes only the workspace directly, so use exec for anything else',
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
  workspaceRelative(workspace, path);
  const mounts = [{ sandboxPath: workspace.dir, hostPath: workspace.root, writable: true }];
  const resolved = await resolveSandboxPath(mounts, path, { base: workspace.dir, followFinal });
  if (resolved.ok) return resolved.hostPath;
  const where = `path "${path}" in sandbox ${workspace.name}`;
  switch (resolved.reason) {
    case 'outside':
      throw outside(workspace, path);
    case 'loop':
      throw new UsageError(`${where} has too many levels of symlinks`, { backend: BACKEND_NAME });
    case 'escapes': {
      const how = posix.isAbsolute(resolved.target)
        ? `the symlink ${resolved.link} -> ${resolved.target}`
        : `a symlink (${resolved.link} -> ${resolved.target})`;
      throw new UsageError(
        `path "${path}" leaves the workspace of sandbox ${workspace.name} through ${how}`,
        {
          backend: BACKEND_NAME,
        },
      );
    }
  }
}
