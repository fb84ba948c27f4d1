import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The state directory: `$AGENTKERNEL_HOME`, else `$XDG_DATA_HOME/agentkernel`, else
 * `~/.local/share/agentkernel` (agentkernel's own default, so both CLIs share state).
 */
export function resolveHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.AGENTKERNEL_HOME) return resolve(env.AGENTKERNEL_HOME);
  // The XDG spec says relative values are invalid and must be ignored.
  if (env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME)) return join(env.XDG_DATA_HOME, 'agentkernel');
  return join(env.HOME || homedir(), '.local', 'share', 'agentkernel');
}
