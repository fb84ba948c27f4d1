import { posix } from 'node:path';
import { NotFoundError, shellQuote, UsageError } from '@agentkernel/core';
import type { Connected } from './runtime.js';

// Exit 0: a directory; 3: something else is there; 4: nothing is there.
const PROBE = 'if [ -d "$1" ]; then exit 0; elif [ -e "$1" ] || [ -L "$1" ]; then exit 3; else exit 4; fi';

/**
 * Checks `exec -w DIR` before the command runs, so that a missing or wrong working directory fails the
 * same way on every backend (each provider reports it differently, or as the command's own failure),
 * naming the directory and the sandbox. Relative paths start at the workspace, as the backends resolve
 * them. Costs one short exec, only when a working directory is given.
 */
export async function checkWorkdir(connected: Connected, cwd: string): Promise<void> {
  const { record, handle } = connected;
  const dir = posix.resolve(record.workspaceDir, cwd);
  const probe = await handle.exec(['sh', '-c', PROBE, 'sh', dir], { cwd: '/' });
  if (probe.exitCode === 0) return;
  const hint = `create it with: agentkernel exec ${record.name} -- mkdir -p ${shellQuote(dir)}`;
  if (probe.exitCode === 3)
    throw new UsageError(`working directory ${dir} is not a directory in sandbox ${record.name}`, {
      hint: `-w names a directory; ${hint}`,
    });
  if (probe.exitCode === 4)
    throw new NotFoundError(`working directory ${dir} does not exist in sandbox ${record.name}`, { hint });
  throw new UsageError(
    `cannot check working directory ${dir} in sandbox ${record.name}: the check exited ${probe.exitCode}`,
  );
}
