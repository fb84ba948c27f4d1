import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { attachTerminal, type TerminalSize } from '../../src/remote/terminal.js';

/** Streams that stand in for this process's terminal: not a TTY, with a size that can change. */
function fakeIo(size: { columns: number; rows: number }) {
  const input = new PassThrough() as unknown as NodeJS.ReadStream;
  const written: Buffer[] = [];
  const output = new PassThrough() as unknown as NodeJS.WriteStream;
  Object.assign(output, size);
  (output as unknown as PassThrough).on('data', (chunk: Buffer) => written.push(chunk));
  return { input, output, written };
}

describe('attachTerminal', () => {
  it('opens at our size, types keystrokes in order, resizes, shows output and returns the exit code', async () => {
    const io = fakeIo({ columns: 0, rows: 0 });
    const typed: string[] = [];
    const sizes: TerminalSize[] = [];
    let finish: (code: number) => void = () => undefined;
    let closed = false;
    const code = attachTerminal(
      async (size, onData) => {
        sizes.push(size);
        onData(Buffer.from('prompt$ '));
        return {
          // The first keystroke is slow to send: the second must still come after it.
          send: async (data) => {
            if (typed.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
            typed.push(Buffer.from(data).toString());
            if (typed.length === 3) finish(7);
          },
          resize: async (size) => void sizes.push(size),
          wait: () => new Promise<number>((resolve) => (finish = resolve)),
          close: async () => void (closed = true),
        };
      },
      { argv: ['printf', "it's"], io },
    );
    await new Promise((resolve) => setImmediate(resolve));
    io.input.emit('data', Buffer.from('a'));
    Object.assign(io.output, { columns: 120, rows: 40 });
    io.output.emit('resize');
    io.input.emit('data', Buffer.from('b'));
    expect(await code).toBe(7);
    expect(typed).toEqual([`exec 'printf' 'it'\\''s'\n`, 'a', 'b']);
    // A terminal that reports no size gets 80 x 24.
    expect(sizes).toEqual([
      { cols: 80, rows: 24 },
      { cols: 120, rows: 40 },
    ]);
    expect(Buffer.concat(io.written).toString()).toBe('prompt$ ');
    expect(closed).toBe(true);
    expect(io.input.listenerCount('data')).toBe(0);
  });
});
