import picocolors from 'picocolors';

type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * A writable the CLI prints to; `isTTY` decides colour and progress bars. `write` follows Node's
 * `Writable.write`: it returns `false` once the stream's buffer is full, and calls `callback` when the
 * chunk has been handed on (with an error if it never will be).
 */
export interface OutputStream {
  write(chunk: string | Uint8Array, callback?: (error?: Error | null) => void): unknown;
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

/**
 * Writes a chunk of a command's output. When the stream's buffer is full, the returned promise settles
 * once this chunk has been handed on, so a slow reader slows the producer down instead of growing
 * memory; it rejects when the reader went away (EPIPE).
 */
export function writeThrough(stream: OutputStream, chunk: Uint8Array): Promise<void> | undefined {
  let settled: { error?: Error | null } | undefined;
  let settle: ((error?: Error | null) => void) | undefined;
  const accepted = stream.write(chunk, (error) => {
    settled = { error };
    settle?.(error);
  });
  if (accepted !== false && settled?.error == null) return undefined;
  return new Promise((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
    if (settled !== undefined) settle(settled.error);
  });
}

/** Resolves once everything written to `stream` so far has been handed on (or can never be). */
export function drained(stream: OutputStream): Promise<void> {
  return new Promise((resolve) => {
    try {
      stream.write('', () => resolve());
    } catch {
      resolve();
    }
  });
}
