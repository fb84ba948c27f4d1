import { spawnIsolated, type IsolatedProcess } from '@agentkernel/core/isolation';
import { join } from 'node:path';
import { SANDBOX_HOME, SANDBOX_USER, sandboxMounts } from './layout.js';
import type { FakeSandbox } from './state.js';

export interface SandboxCommand {
  readonly argv: readonly string[];
  /** Absolute sandbox path. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: 'pipe' | 'ignore';
  readonly timeoutMs: number | undefined;
}

/**
 * Starts a command in a fake sandbox under bubblewrap, through agentkernel's isolation: the sandbox's
 * folders are bound at `/workspace`, `/home/user`, `/tmp`, ... so files persist between commands as on
 * a VM's disk, and the host's system folders are read-only.
 */
export async function spawnInSandbox(
  sandbox: FakeSandbox,
  command: SandboxCommand,
  procDir: string,
): Promise<IsolatedProcess> {
  const [workspace, ...others] = sandboxMounts(sandbox.root);
  if (workspace === undefined) throw new Error('a fake sandbox always has a workspace mount');
  return spawnIsolated({
    root: workspace.hostPath,
    workspaceDir: workspace.sandboxPath,
    binds: others.map((mount) => ({ hostPath: mount.hostPath, sandboxPath: mount.sandboxPath })),
    network: sandbox.allowInternetAccess,
    procDir,
    backend: 'e2b',
    argv: command.argv,
    cwd: command.cwd,
    env: { HOME: SANDBOX_HOME, USER: SANDBOX_USER, LOGNAME: SANDBOX_USER, ...command.env },
    stdin: command.stdin,
    ...(command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs }),
  });
}

/** The folder where a fake records its running commands, so {@link killAll} can end them all. */
export const procDirOf = (dataDir: string): string => join(dataDir, 'procs');
