import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ptyArgv, ptyInput, ptyResize } from '../src/pty.js';

/** Runs `argv` under the PTY helper on this machine, writing `messages` once output `after` appeared. */
function onPty(
  argv: readonly string[],
  messages: readonly Buffer[],
  after: string,
): Promise<{ code: number | null; output: string }> {
  const [file, ...args] = ptyArgv(argv, { cols: 80, rows: 24 });
  const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let sent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (sent || !output.includes(after)) return;
    sent = true;
    for (const message of messages) child.stdin.write(message);
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('the PTY helper', () => {
  it('runs the program on a terminal of the given size, types input at it and exits with its code', async () => {
    const { code, output } = await onPty(
      ['sh', '-c', 'test -t 0 && echo is-a-tty; stty size; echo ready; read x; echo "got:$x"; exit 4'],
      [ptyInput(Buffer.from('hel')), ptyInput(Buffer.from('lo\n'))],
      'ready',
    );
    expect(output).toContain('is-a-tty');
    expect(output).toContain('24 80');
    // The terminal echoes what was typed, as a real one does.
    expect(output).toContain('hello');
    expect(output).toContain('got:hello');
    expect(code).toBe(4);
  });

  it('resizes the terminal', async () => {
    const { output } = await onPty(
      ['sh', '-c', 'echo ready; read x; stty size'],
      [ptyResize({ cols: 132, rows: 40 }), ptyInput(Buffer.from('\n'))],
      'ready',
    );
    expect(output).toContain('40 132');
  });

  it('reports a program killed by a signal as 128 + the signal', async () => {
    const { code } = await onPty(['sh', '-c', 'kill -9 $$'], [], 'never');
    expect(code).toBe(137);
  });

  it('refuses sizes a terminal cannot have', () => {
    expect(() => ptyArgv(['sh'], { cols: 0, rows: 24 })).toThrow(
      /cols must be an integer from 1 to 65535, not 0/,
    );
    expect(() => ptyResize({ cols: 80, rows: 70_000 })).toThrow(/rows/);
    expect(() => ptyArgv([], { cols: 80, rows: 24 })).toThrow(/needs a program/);
  });
});
