import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bubblewrapPath } from './bubblewrap.js';
import { BUBBLEWRAP_INSTALL_HINT } from './errors.js';
import { runIsolated } from './run.js';

/** Whether bubblewrap can isolate commands on this machine, and how, for `doctor`. */
export interface IsolationCheck {
  readonly available: boolean;
  /** Where bwrap was found. */
  readonly path?: string;
  /** Why isolation is unavailable, with what to do about it. */
  readonly problem?: string;
  /**
   * What a command in a sandbox was seen to get, measured inside a throw-away sandbox (present when
   * {@link available}): its namespaces, its effective capabilities, and the other restrictions.
   */
  readonly inForce?: readonly string[];
}

// Printed by the probe from inside the sandbox: its effective capabilities and no-new-privs flag, then
// whether it could open /proc/sys for writing (appending nothing, so even a broken bwrap changes nothing).
const PROBE = [
  'grep -E "^(CapEff|NoNewPrivs):" /proc/self/status',
  '(: >>/proc/sys/kernel/core_pattern) 2>/dev/null && echo proc-writable',
].join('\n');

function describe(output: string): { inForce: string[]; problem?: string } {
  const field = (name: string): string | undefined =>
    new RegExp(`^${name}:\\s*(\\S+)$`, 'm').exec(output)?.[1];
  const capEff = field('CapEff');
  const inForce = [
    'own pid, mount, IPC and UTS namespaces (and network, unless the sandbox has the network on)',
    capEff !== undefined && /^0+$/.test(capEff)
      ? 'no capabilities (CapEff 0), no-new-privs'
      : `capabilities kept (CapEff ${capEff ?? 'unknown'})`,
    'read-only /usr, /etc, /proc and root folder; writable /workspace, home and private /tmp',
    'a new session (no terminal injection)',
  ];
  const problems = [
    ...(capEff === undefined || !/^0+$/.test(capEff)
      ? [`commands keep capabilities (CapEff ${capEff})`]
      : []),
    ...(field('NoNewPrivs') === '1' ? [] : ['no-new-privs is not set']),
    ...(output.includes('proc-writable') ? ['/proc/sys is writable'] : []),
  ];
  return problems.length === 0 ? { inForce } : { inForce, problem: problems.join('; ') };
}

/**
 * Looks bwrap up on `searchPath` and runs a probe in a throw-away sandbox: bwrap may be installed yet
 * unusable (user namespaces disabled, a container without the privileges it needs), and what a command
 * gets is measured rather than assumed.
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
      argv: ['sh', '-c', PROBE],
      timeoutMs: 10_000,
    });
    if (result.exitCode !== 0 && result.stdout.length === 0) {
      const reason = result.stderr.toString('utf8').trim() || `exit code ${result.exitCode}`;
      return { available: false, path, problem: `${path} cannot create a sandbox here: ${reason}` };
    }
    const { inForce, problem } = describe(result.stdout.toString('utf8'));
    if (problem !== undefined)
      return { available: false, path, inForce, problem: `${path} does not isolate enough: ${problem}` };
    return { available: true, path, inForce };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
