import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bubblewrapPath } from './bubblewrap.js';
import { BUBBLEWRAP_INSTALL_HINT } from './errors.js';
import { runIsolated } from './run.js';

/** Whether bubblewrap can isolate commands on this machine, for `doctor`. */
export interface IsolationCheck {
  readonly available: boolean;
  /** Where bwrap was found. */
  readonly path?: string;
  /** Why isolation is unavailable, with what to do about it. */
  readonly problem?: string;
}

/**
 * Looks bwrap up on `searchPath` and runs `true` in a throw-away sandbox: bwrap may be installed yet
 * unusable (user namespaces disabled, a container without the privileges it needs).
 */
export async function checkIsolation(searchPath?: string): Promise<IsolationCheck> {
  const path = await bubblewrapPath(searchPath);
  if (path === undefined)
    return {
      available: false,
      problem: `bubblewrap (bwrap) was not found on PATH; ${BUBBLEWRAP_INSTALL_HINT}`,
    };
  const root = await mkdtemp(join(tmpdir(), 'agentkernel-isolation-check-'));
  try {
    const result = await runIsolated({
      root,
      network: false,
      bwrapPath: path,
      argv: ['true'],
      timeoutMs: 10_000,
    });
    if (result.exitCode === 0) return { available: true, path };
    const reason = result.stderr.toString('utf8').trim() || `exit code ${result.exitCode}`;
    return { available: false, path, problem: `${path} cannot create a sandbox here: ${reason}` };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
