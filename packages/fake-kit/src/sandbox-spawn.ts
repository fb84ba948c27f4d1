import { join } from 'node:path';
import { spawnIsolated, type IsolatedProcess } from '@agentkernel/core/isolation';
import { writableMounts, type SandboxLayout } from './layout.js';
import type { LiveEnvironment } from './live-environment.js';

/** One command to run in a fake sandbox. */
export interface SandboxCommand {
  readonly argv: readonly string[];
  /** Absolute sandbox path. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: 'pipe' | 'ignore';
  readonly timeoutMs?: number | undefined;
}

/** A fake sandbox as {@link spawnInSandbox} needs it. */
export interface SpawnTarget {
  /** The host folder holding the sandbox's writable folders. */
  readonly root: string;
  readonly layout: SandboxLayout;
  /** Whether commands may use the host's network (a provider's "internet access"). */
  readonly network: boolean;
  /** Where running commands are recorded (see {@link procDirOf}), so `killAll` can end them all. */
  readonly procDir: string;
  /** The provider's backend name, for error messages. */
  readonly backend: string;
  /**
   * The sandbox's running environment, which the command joins so that what it leaves in the
   * background outlives it; without it each command gets a sandbox of its own, ended with it.
   */
  readonly environment?: LiveEnvironment;
}

/**
 * Starts a command in a fake sandbox under bubblewrap, through agentkernel's isolation: the sandbox's
 * writable folders are bound at their sandbox paths, so files persist between commands as on a VM's
 * disk, and the host's system folders are read-only.
 */
export async function spawnInSandbox(target: SpawnTarget, command: SandboxCommand): Promise<IsolatedProcess> {
  const [workspace, ...others] = writableMounts(target.root, target.layout);
  if (workspace === undefined) throw new Error('a sandbox layout needs at least one writable folder');
  const { home, user } = target.layout;
  const environment = await target.environment?.ensure(target);
  return spawnIsolated({
    ...(environment === undefined ? {} : { environment }),
    root: workspace.hostPath,
    workspaceDir: workspace.sandboxPath,
    binds: others.map((mount) => ({ hostPath: mount.hostPath, sandboxPath: mount.sandboxPath })),
    network: target.network,
    procDir: target.procDir,
    backend: target.backend,
    argv: command.argv,
    cwd: command.cwd,
    env: { HOME: home, USER: user, LOGNAME: user, ...command.env },
    stdin: command.stdin,
    ...(command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs }),
  });
}

/** The folder under a fake's data folder where it records its running commands. */
export const procDirOf = (dataDir: string): string => join(dataDir, 'procs');
