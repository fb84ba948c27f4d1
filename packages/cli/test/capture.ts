import type { Io } from '../src/output/io.js';

/** An `Io` whose streams collect what is written, for asserting on output. */
export function captureIo(
  options: { tty?: boolean; env?: Record<string, string | undefined>; cwd?: string } = {},
) {
  const chunks = { stdout: [] as string[], stderr: [] as string[] };
  const stream = (into: string[]) => ({
    isTTY: options.tty ?? false,
    columns: 100,
    write(chunk: string | Uint8Array) {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    },
  });
  const io: Io = {
    stdout: stream(chunks.stdout),
    stderr: stream(chunks.stderr),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
  return { io, stdout: () => chunks.stdout.join(''), stderr: () => chunks.stderr.join('') };
}
