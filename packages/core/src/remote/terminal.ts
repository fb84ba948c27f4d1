import { shellQuote } from './exec-wrapper.js';

/** A terminal size in character cells. */
export interface TerminalSize {
  readonly cols: number;
  readonly rows: number;
}

/** A program running on a provider's PTY, as {@link attachTerminal} drives it. */
export interface RemoteTerminal {
  /** Types bytes at the remote terminal. */
  send(data: Uint8Array): Promise<void>;
  resize(size: TerminalSize): Promise<void>;
  /** Resolves with the program's exit code once it ended. */
  wait(): Promise<number>;
  /** Lets go of the terminal (the program has ended, or attaching failed). */
  close?(): Promise<void>;
}

/** Where {@link attachTerminal} reads keystrokes and writes output: this process's terminal by default. */
export interface TerminalIo {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
}

// A terminal that reports no size (0 x 0, as one without a window does) gets the classic 80 x 24.
const sizeOf = (output: NodeJS.WriteStream): TerminalSize => ({
  cols: output.columns || 80,
  rows: output.rows || 24,
});

/**
 * Attaches this process's terminal to a program on a provider's PTY until the program exits, and
 * resolves with its exit code. `open` starts it at our terminal's size, writing its output through
 * the given function. Keystrokes go to it raw and in order (Ctrl-C is a byte for the remote program,
 * not a signal for us), and a resize of our terminal resizes it. With `argv`, the PTY's shell is
 * replaced by that program at once (`exec`), so the exit code is the program's.
 */
export async function attachTerminal(
  open: (size: TerminalSize, onData: (data: Uint8Array) => void) => Promise<RemoteTerminal>,
  options: { readonly argv?: readonly string[] | undefined; readonly io?: TerminalIo } = {},
): Promise<number> {
  const { input, output } = options.io ?? { input: process.stdin, output: process.stdout };
  const terminal = await open(sizeOf(output), (data) => void output.write(data));
  const raw = input.isTTY === true;
  if (raw) input.setRawMode(true);
  // Each keystroke waits for the one before, so input arrives in the order it was typed.
  let typed: Promise<void> = Promise.resolve();
  const type = (data: Uint8Array): void => {
    typed = typed.then(() => terminal.send(data)).catch(() => undefined);
  };
  const onInput = (chunk: Buffer): void => type(chunk);
  const onResize = (): void => void terminal.resize(sizeOf(output)).catch(() => undefined);
  input.on('data', onInput);
  output.on('resize', onResize);
  try {
    if (options.argv !== undefined && options.argv.length > 0)
      type(Buffer.from(`exec ${options.argv.map(shellQuote).join(' ')}\n`));
    return await terminal.wait();
  } finally {
    input.off('data', onInput);
    output.off('resize', onResize);
    if (raw) input.setRawMode(false);
    input.pause();
    await terminal.close?.().catch(() => undefined);
  }
}
