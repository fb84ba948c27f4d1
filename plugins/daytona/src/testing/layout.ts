import { spawnInSandbox as spawnInFakeSandbox, type SandboxLayout } from '@agentkernel/fake-kit';
import type { IsolatedProcess } from '@agentkernel/core/isolation';

/** Daytona's default sandbox user and its home, where sessions start. */
export const SANDBOX_USER = 'daytona';
export const SANDBOX_HOME = '/home/daytona';

/** How a fake Daytona sandbox looks from inside: the folders that persist like a VM's disk. */
export const DAYTONA_LAYOUT: SandboxLayout = {
  writable: ['/workspace', SANDBOX_HOME, '/root', '/tmp'],
  home: SANDBOX_HOME,
  user: SANDBOX_USER,
};

/** What a command in a fake sandbox needs. */
export interface SandboxProcessSpec {
  readonly root: string;
  readonly network: boolean;
  readonly procDir: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: 'pipe' | 'ignore';
  /** Kills the command (and what it started) after this long; its exit then says `timedOut`. */
  readonly timeoutMs?: number | undefined;
}

/**
 * Starts a command in a fake sandbox under bubblewrap. Everything the toolbox does (sessions, file
 * transfers, PTYs) runs this way, as the daemon does inside the sandbox, so no request can reach a host
 * file the sandbox cannot.
 */
export function spawnInSandbox(spec: SandboxProcessSpec): Promise<IsolatedProcess> {
  return spawnInFakeSandbox(
    {
      root: spec.root,
      layout: DAYTONA_LAYOUT,
      network: spec.network,
      procDir: spec.procDir,
      backend: 'daytona',
    },
    { argv: spec.argv, cwd: spec.cwd, env: spec.env, stdin: spec.stdin, timeoutMs: spec.timeoutMs },
  );
}
