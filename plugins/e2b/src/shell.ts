import { attachTerminal, type ShellOptions } from '@agentkernel/core';
import type { SdkSandbox } from './runtime.js';

/** envd reports a program ended by a signal with exit code -1 (Go's ProcessState.ExitCode). */
const SIGNALLED = -1;
const SIGKILL_EXIT_CODE = 137;

/**
 * Attaches this process's terminal to an E2B PTY (envd's `bash -i -l` on a pseudo-terminal) until it
 * exits. `connected` runs an operation on the connected sandbox under the backend's envd retry rules
 * (a PTY start that may have reached envd is never repeated).
 */
export async function openShell(
  connected: <T>(operation: (sandbox: SdkSandbox) => Promise<T>) => Promise<T>,
  options: ShellOptions & { readonly cwd: string },
): Promise<number> {
  return attachTerminal(
    async (size, onData) => {
      const { sandbox, handle } = await connected(async (sandbox) => {
        const handle = await sandbox.pty.create({
          ...size,
          cwd: options.cwd,
          ...(options.env === undefined ? {} : { envs: { ...options.env } }),
          onData,
          // The SDK ends a PTY after 60 s by default; a shell lasts as long as its user wants.
          timeoutMs: 0,
        });
        return { sandbox, handle };
      });
      return {
        send: (data) => sandbox.pty.sendInput(handle.pid, data),
        resize: (next) => sandbox.pty.resize(handle.pid, next),
        wait: async () => {
          let exitCode: number;
          try {
            exitCode = (await handle.wait()).exitCode;
          } catch (error) {
            if ((error as Error).name !== 'CommandExitError') throw error;
            exitCode = (error as { exitCode: number }).exitCode;
          }
          return exitCode === SIGNALLED ? SIGKILL_EXIT_CODE : exitCode;
        },
        close: async () => void (await handle.disconnect()),
      };
    },
    { argv: options.argv },
  );
}
