import picocolors from 'picocolors';

type Colors = ReturnType<typeof picocolors.createColors>;

/** A writable the CLI prints to; `isTTY` decides colour and progress bars. */
export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Where a command reads and writes: the real process, or captured streams in tests. */
export interface Io {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org). */
export function colorEnabled(stream: OutputStream, env: Io['env']): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined;
}

export function colorsFor(stream: OutputStream, env: Io['env']): Colors {
  return picocolors.createColors(colorEnabled(stream, env));
}
