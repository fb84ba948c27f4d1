// TEMPORARY: runs a command in a fake sandbox's folders through local isolation. It moves to
// @agentkernel/fake-kit (sandboxes through local isolation) once that package lands on main.
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnIsolated, type IsolatedProcess } from '@agentkernel/core/isolation';

/** The writable folders of a fake Modal sandbox (a container whose user is root); they persist across commands. */
export const WRITABLE = ['/workspace', '/root', '/tmp', '/opt', '/home', '/srv', '/mnt'];

/** Gives a new sandbox its folders: empty ones, or a copy of a filesystem snapshot's. */
export async function prepareRoot(root: string, from?: string): Promise<void> {
  if (from !== undefined) {
    await cp(from, root, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    return;
  }
  for (const dir of WRITABLE) await mkdir(join(root, dir), { recursive: true });
}

export interface SandboxCommand {
  readonly root: string;
  readonly argv: readonly string[];
  /** Absolute sandbox path. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly network: boolean;
  readonly procDir: string;
  readonly timeoutMs?: number;
}

/** Starts a command with stdin, stdout and stderr piped; the host's system folders are read-only. */
export async function spawnInSandbox(command: SandboxCommand): Promise<IsolatedProcess> {
  const [workspace, ...others] = WRITABLE;
  return spawnIsolated({
    root: join(command.root, workspace!),
    workspaceDir: workspace!,
    binds: others.map((dir) => ({ hostPath: join(command.root, dir), sandboxPath: dir })),
    network: command.network,
    procDir: command.procDir,
    backend: 'modal',
    argv: command.argv,
    cwd: command.cwd,
    env: { HOME: '/root', USER: 'root', LOGNAME: 'root', ...command.env },
    stdin: 'pipe',
    ...(command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs }),
  });
}
