import { attachTerminal, SIGKILL_EXIT_CODE, type ShellOptions } from '@agentkernel/core';
import { exitOf } from './commands.js';
import type { SdkSandbox } from './runtime.js';

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
          const exit = await exitOf(handle);
          return exit === 'signalled' ? SIGKILL_EXIT_CODE : exit;
        },
        close: async () => void (await handle.disconnect()),
      };
    },
    { argv: options.argv },
  );
}
