import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';

/** The vCPUs and memory a sandbox asked for. */
export interface ResourceLimits {
  readonly vcpus?: number;
  readonly memoryMb?: number;
}

/** Whether this machine can enforce {@link ResourceLimits}, and where, or why not. */
export type CgroupSupport = { readonly base: string } | { readonly reason: string };

const ROOT = '/sys/fs/cgroup';
const BASE = join(ROOT, 'agentkernel');
const NEEDED = ['cpu', 'memory'];

const controllers = async (dir: string): Promise<string[]> =>
  (await readFile(join(dir, 'cgroup.controllers'), 'utf8')).trim().split(/\s+/);

/**
 * Looks for a writable cgroup v2 hierarchy with the cpu and memory controllers at `/sys/fs/cgroup`
 * (a unified hierarchy, as systemd sets up, with write access: root, or a delegated container). The
 * sandboxes' groups live under `/sys/fs/cgroup/agentkernel/`, created here with both controllers
 * enabled for its children. Anything else (cgroup v1, a hybrid setup whose v2 part lacks the
 * controllers, no write access) is reported with the reason, never guessed around.
 */
export async function cgroupSupport(): Promise<CgroupSupport> {
  let available: string[];
  try {
    available = await controllers(ROOT);
  } catch {
    return { reason: `${ROOT} is not a cgroup v2 (unified) hierarchy` };
  }
  const missing = NEEDED.filter((name) => !available.includes(name));
  if (missing.length > 0)
    return { reason: `the cgroup v2 hierarchy at ${ROOT} has no ${missing.join(' or ')} controller` };
  try {
    await access(join(ROOT, 'cgroup.subtree_control'), constants.W_OK);
    await writeFile(join(ROOT, 'cgroup.subtree_control'), NEEDED.map((name) => `+${name}`).join(' '));
    await mkdir(BASE, { recursive: true });
    await writeFile(join(BASE, 'cgroup.subtree_control'), NEEDED.map((name) => `+${name}`).join(' '));
  } catch (error) {
    return { reason: `cgroups under ${ROOT} are not writable here (${(error as Error).message})` };
  }
  return { base: BASE };
}

const PERIOD_US = 100_000;

/**
 * Creates (or updates) the cgroup of one sandbox with its limits: `cpu.max` allows `vcpus` CPUs' worth
 * of time per period, `memory.max` caps memory (and `memory.swap.max` keeps it from spilling to swap).
 * Returns the group's folder; every process of the sandbox must be placed in it.
 */
export async function createSandboxCgroup(
  support: { readonly base: string },
  id: string,
  limits: ResourceLimits,
): Promise<string> {
  const dir = join(support.base, id);
  await mkdir(dir, { recursive: true });
  if (limits.vcpus !== undefined)
    await writeFile(join(dir, 'cpu.max'), `${Math.round(limits.vcpus * PERIOD_US)} ${PERIOD_US}`);
  if (limits.memoryMb !== undefined) {
    await writeFile(join(dir, 'memory.max'), String(Math.round(limits.memoryMb * 1024 * 1024)));
    await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
  }
  return dir;
}

/** Removes a sandbox's cgroup once its processes are gone; a missing group is fine. */
export async function removeSandboxCgroup(dir: string): Promise<void> {
  await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/**
 * Wraps a command so that it enters `cgroup` before it runs: the shell moves itself into the group,
 * then execs the command, so every process the command starts is in the group from its first instant.
 */
export function inCgroup(
  cgroup: string,
  file: string,
  args: readonly string[],
): { file: string; args: string[] } {
  return {
    file: '/bin/sh',
    args: [
      '-c',
      'echo $$ > "$1/cgroup.procs" && shift && exec "$@"',
      'agentkernel-cgroup',
      cgroup,
      file,
      ...args,
    ],
  };
}
