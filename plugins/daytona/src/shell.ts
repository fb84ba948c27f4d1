import { randomUUID } from 'node:crypto';
import type { ShellOptions } from '@agentkernel/core';
import { shellQuote } from '@agentkernel/core';
import { call, type Runtime, type SdkSandbox } from './runtime.js';

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
  const { stdin, stdout } = process;
  const size = (): { cols: number; rows: number } => ({
    cols: stdout.columns ?? 80,
    rows: stdout.rows ?? 24,
  });
  const doing = { action: 'opening a terminal', sandboxId: sandbox.id };
  const pty = await call(runtime, doing, 'refused-only', () =>
    sandbox.process.createPty({
      id: `agentkernel-${randomUUID()}`,
      cwd: options.cwd,
      ...size(),
      ...(options.env === undefined ? {} : { envs: { ...options.env } }),
      onData: (data: Uint8Array) => {
        stdout.write(data);
      },
    }),
  );
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const onInput = (chunk: Buffer): void => void pty.sendInput(chunk).catch(() => undefined);
  const onResize = (): void => {
    const { cols, rows } = size();
    void pty.resize(cols, rows).catch(() => undefined);
  };
  stdin.on('data', onInput);
  stdout.on('resize', onResize);
  try {
    if (options.argv !== undefined && options.argv.length > 0) {
      await pty.sendInput(`exec ${options.argv.map(shellQuote).join(' ')}\n`);
    }
    const result = await pty.wait();
    return result.exitCode ?? 1;
  } finally {
    stdin.off('data', onInput);
    stdout.off('resize', onResize);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    await pty.disconnect();
  }
}
