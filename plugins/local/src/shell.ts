import { existsSync } from 'node:fs';
import type { ShellOptions } from '@agentkernel/core';
import { spawnIsolated, type IsolationOptions } from '@agentkernel/core/isolation';

// The sandbox sees the host's /usr, so what exists here exists there.
const defaultShell = (): string[] =>
  existsSync('/usr/bin/bash') || existsSync('/bin/bash') ? ['bash', '-l'] : ['sh'];

/**
 * Runs an interactive program on this process's terminal until it exits. Ctrl-C and Ctrl-\ are meant
 * for the program, so this process ignores them meanwhile instead of dying with it still attached.
 */
export async function runShell(isolation: IsolationOptions, options: ShellOptions): Promise<number> {
  const argv = options.argv ?? defaultShell();
  const proc = await spawnIsolated({ ...isolation, ...options, argv, stdio: 'inherit' });
  const ignore = (): void => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  try {
    return (await proc.exited).exitCode;
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGQUIT', ignore);
  }
}
