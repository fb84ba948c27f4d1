import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnIsolated, type IsolatedProcess } from '@agentkernel/core/isolation';

/** Daytona's default sandbox user and its home, where sessions start. */
export const SANDBOX_USER = 'daytona';
export const SANDBOX_HOME = '/home/daytona';

/** The writable folders of a fake sandbox, each backed by a host folder under its root (a VM's disk). */
const WRITABLE = ['/workspace', SANDBOX_HOME, '/root', '/tmp'] as const;

/** Creates the folders of a fresh sandbox under `root`. */
export async function makeSkeleton(root: string): Promise<void> {
  for (const dir of WRITABLE) await mkdir(join(root, dir), { recursive: true });
}

/** What a command in a fake sandbox needs. */
export interface SandboxProcessSpec {
  readonly root: string;
  readonly network: boolean;
  readonly procDir: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: 'pipe' | 'ignore';
}

/**
 * Starts a command in a fake sandbox under bubblewrap, through agentkernel's isolation. Everything the
 * toolbox does (sessions, file transfers, PTYs) runs this way, as the daemon does inside the sandbox,
 * so no request can reach a host file the sandbox cannot.
 */
export function spawnInSandbox(spec: SandboxProcessSpec): Promise<IsolatedProcess> {
  const [workspace, ...others] = WRITABLE;
  return spawnIsolated({
    root: join(spec.root, workspace),
    workspaceDir: workspace,
    binds: others.map((dir) => ({ hostPath: join(spec.root, dir), sandboxPath: dir })),
    network: spec.network,
    procDir: spec.procDir,
    backend: 'daytona',
    argv: spec.argv,
    cwd: spec.cwd,
    env: { HOME: SANDBOX_HOME, USER: SANDBOX_USER, LOGNAME: SANDBOX_USER, ...spec.env },
    stdin: spec.stdin,
  });
}
