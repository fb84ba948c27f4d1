import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  resolveSandboxPath,
  SYSTEM_FOLDERS,
  type PathMount,
  type ResolvedSandboxPath,
} from '@agentkernel/core/isolation';

/** How a provider's sandboxes look from inside: which folders persist, and whose home is the default. */
export interface SandboxLayout {
  /**
   * The writable folders that persist across commands like a VM's disk, each backed by
   * `<root>/<path>`; the first is bound as the isolation's workspace (e.g. `/workspace`).
   */
  readonly writable: readonly string[];
  /** The default user's home, where commands start and relative paths resolve (e.g. `/home/user`). */
  readonly home: string;
  /** The default user's name (`USER`, `LOGNAME`). */
  readonly user: string;
}

/** A sandbox's writable folders: the host folder under `root` that backs each. */
export function writableMounts(root: string, layout: SandboxLayout): PathMount[] {
  return layout.writable.map((sandboxPath) => ({
    sandboxPath,
    hostPath: join(root, sandboxPath),
    writable: true,
  }));
}

/**
 * Every folder a fake sandbox's file API can reach: its writable folders and the host's system folders,
 * read-only, as its commands see them through the isolation.
 */
export function sandboxMounts(root: string, layout: SandboxLayout): PathMount[] {
  const system = SYSTEM_FOLDERS.map((path) => ({ sandboxPath: path, hostPath: path, writable: false }));
  return [...writableMounts(root, layout), ...system];
}

/** Creates the folders of a fresh sandbox under `root`. */
export async function createSandboxFolders(root: string, layout: SandboxLayout): Promise<void> {
  for (const mount of writableMounts(root, layout)) await mkdir(mount.hostPath, { recursive: true });
}

/**
 * Resolves a path of a fake sandbox (relative paths under the user's home) to the host file behind it,
 * symlinks followed in sandbox space (see core's `resolveSandboxPath`). With `followFinal: false` the
 * last component is left as is (for lstat, remove and rename). Undefined when the path, or a symlink on
 * the way, lies outside every folder the fake backs.
 */
export async function resolveInSandbox(
  root: string,
  layout: SandboxLayout,
  path: string,
  followFinal = true,
): Promise<ResolvedSandboxPath | undefined> {
  const resolved = await resolveSandboxPath(sandboxMounts(root, layout), path, {
    base: layout.home,
    followFinal,
  });
  return resolved.ok ? resolved : undefined;
}
