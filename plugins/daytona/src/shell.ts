import { randomUUID } from 'node:crypto';
import { attachTerminal, type ShellOptions } from '@agentkernel/core';
import type { Runtime, SdkSandbox } from './runtime.js';

/**
 * Attaches this process's terminal to a Daytona PTY until its program exits. The PTY starts the
 * sandbox's login shell; with `argv` the shell is replaced by that program at once (`exec`), so the
 * exit code is the program's.
 */
export async function openShell(
  runtime: Runtime,
  sandbox: SdkSandbox,
  options: ShellOptions & { readonly cwd: string },
): Promise<number> {
  const doing = { action: 'opening a terminal', sandboxId: sandbox.id };
  return attachTerminal(
    async (size, onData) => {
      const pty = await runtime.retrier.call(doing, 'refused-only', () =>
        sandbox.process.createPty({
          id: `agentkernel-${randomUUID()}`,
          cwd: options.cwd,
          ...size,
          ...(options.env === undefined ? {} : { envs: { ...options.env } }),
          onData,
        }),
      );
      return {
        send: (data) => pty.sendInput(data),
        resize: async ({ cols, rows }) => void (await pty.resize(cols, rows)),
        wait: async () => (await pty.wait()).exitCode ?? 1,
        close: () => pty.disconnect(),
      };
    },
    { argv: options.argv },
  );
}
