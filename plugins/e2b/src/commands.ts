import type { TextCommand, TextCommandApi } from '@agentkernel/core';
import type { CommandHandle } from 'e2b';
import type { SdkSandbox } from './runtime.js';

/** envd reports a command ended by a signal with exit code -1 (Go's ProcessState.ExitCode). */
const SIGNALLED = -1;
const KILL_TIMEOUT_MS = 10_000;

/**
 * Waits for an envd process (a command or a PTY) to end: its exit code, or `signalled`. The SDK rejects
 * a non-zero exit with a `CommandExitError`, which carries the code.
 */
export async function exitOf(handle: Pick<CommandHandle, 'wait'>): Promise<number | 'signalled'> {
  let exitCode: number;
  try {
    exitCode = (await handle.wait()).exitCode;
  } catch (error) {
    if ((error as Error).name !== 'CommandExitError') throw error;
    exitCode = (error as { exitCode: number }).exitCode;
  }
  return exitCode === SIGNALLED ? 'signalled' : exitCode;
}

function textCommand(handle: CommandHandle): TextCommand {
  return {
    wait: () => exitOf(handle),
    sendStdin: (chunk) => handle.sendStdin(chunk),
    closeStdin: () => handle.closeStdin(),
    kill: async () => {
      await handle.kill();
    },
    disconnect: () => void handle.disconnect(),
  };
}

/**
 * E2B's `commands.run` as core's text command API (output arrives as decoded text). `connected` runs
 * an operation on the connected sandbox under the backend's envd retry rules.
 */
export function commandApi(
  connected: <T>(operation: (sandbox: SdkSandbox) => Promise<T>) => Promise<T>,
): TextCommandApi {
  let started: SdkSandbox | undefined;
  return {
    start: (script, io) =>
      connected(async (sandbox) => {
        const handle = await sandbox.commands.run(script, {
          background: true,
          ...(io.env === undefined ? {} : { envs: { ...io.env } }),
          stdin: io.stdin,
          // The wrapper enforces the command's timeout in the sandbox; the stream itself has none.
          timeoutMs: 0,
          onStdout: io.onStdout,
          onStderr: io.onStderr,
        });
        started = sandbox;
        return textCommand(handle);
      }),
    run: async (script) => {
      await started?.commands.run(script, { timeoutMs: KILL_TIMEOUT_MS });
    },
  };
}
