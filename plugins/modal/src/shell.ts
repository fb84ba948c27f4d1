import type { ShellOptions } from '@agentkernel/core';
import type * as Modal from 'modal';

/**
 * Runs an interactive program in the sandbox on a PTY (Modal's `pty: true` exec) with this process's
 * terminal attached: keystrokes go to its stdin raw, its output to our stdout, until it exits.
 */
export async function attachShell(
  sandbox: Modal.Sandbox,
  options: ShellOptions,
  cwd: string,
): Promise<number> {
  const argv = options.argv === undefined || options.argv.length === 0 ? ['sh', '-l'] : [...options.argv];
  const proc = await sandbox.exec(argv, {
    pty: true,
    mode: 'binary',
    workdir: cwd,
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
  });
  const input = process.stdin;
  const raw = input.isTTY === true;
  if (raw) input.setRawMode(true);
  const writer = proc.stdin.getWriter();
  const onData = (chunk: Buffer): void => void writer.write(chunk).catch(() => undefined);
  input.on('data', onData);
  const output = (async () => {
    for await (const chunk of proc.stdout as unknown as AsyncIterable<Uint8Array>)
      process.stdout.write(chunk);
  })();
  try {
    const code = await proc.wait();
    await output.catch(() => undefined);
    return code;
  } finally {
    input.off('data', onData);
    input.pause();
    if (raw) input.setRawMode(false);
    await writer.close().catch(() => undefined);
  }
}
