import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, registerSecret } from '@agentkernel/core';
import { colorEnabled } from '../src/output/io.js';
import { Output } from '../src/output/output.js';
import { formatBytes, ProgressBar, renderProgress } from '../src/output/progress.js';
import { captureIo } from './capture.js';

afterEach(() => clearSecrets());

describe('colour', () => {
  it('only on a terminal, never with NO_COLOR', () => {
    expect(colorEnabled({ write: () => true, isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ write: () => true, isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '' })).toBe(false);
  });

  it('tables carry escape codes on a terminal only', () => {
    const tty = captureIo({ tty: true });
    new Output(tty.io, { json: false, quiet: false, debug: false }).table(
      [{ a: 'x' }],
      [{ header: 'A', value: (r) => r.a }],
    );
    expect(tty.stdout()).toContain('\u001b[1m');
    const pipe = captureIo({ tty: false });
    new Output(pipe.io, { json: false, quiet: false, debug: false }).table(
      [{ a: 'x' }],
      [{ header: 'A', value: (r) => r.a }],
    );
    expect(pipe.stdout()).toBe('A\nx\n');
  });
});

describe('Output', () => {
  it('puts data on stdout and notices on stderr; --quiet hides notices and warnings, --json hides notices', () => {
    const plain = captureIo();
    const out = new Output(plain.io, { json: false, quiet: false, debug: false });
    out.line('data');
    out.info('notice');
    out.warn('careful');
    out.debug('hidden');
    expect(plain.stdout()).toBe('data\n');
    expect(plain.stderr()).toBe('notice\nwarning: careful\n');

    const quiet = captureIo();
    const q = new Output(quiet.io, { json: false, quiet: true, debug: false });
    q.info('notice');
    q.warn('careful');
    q.error('broken');
    expect(quiet.stderr()).toBe('error: broken\n');

    const json = captureIo();
    const j = new Output(json.io, { json: true, quiet: false, debug: true });
    j.info('notice');
    j.debug('shown');
    expect(json.stderr()).toBe('debug: shown\n');
  });

  it('redacts secrets in JSON, lines, tables and notices', () => {
    registerSecret('tok_abcdefgh12345');
    const capture = captureIo();
    const out = new Output(capture.io, { json: false, quiet: false, debug: false });
    out.printJson({ nested: ['tok_abcdefgh12345'] });
    out.line('key tok_abcdefgh12345');
    out.table([{ v: 'tok_abcdefgh12345' }], [{ header: 'V', value: (r) => r.v }]);
    out.warn('tok_abcdefgh12345');
    expect(capture.stdout() + capture.stderr()).not.toContain('tok_abcdefgh12345');
    expect(JSON.parse(capture.stdout().split('\n}\n')[0] + '\n}')).toEqual({ nested: ['***'] });
  });
});

describe('progress', () => {
  it('formats bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MiB');
  });

  it('renders a bar, or a count without a total', () => {
    expect(renderProgress('upload', 512, 1024)).toBe('upload  [############------------]  512 B / 1.0 KiB');
    expect(renderProgress('download', 2048, undefined)).toBe('download  2.0 KiB');
  });

  it('draws nothing off a terminal or in the first second, and erases itself when done', async () => {
    const pipe = captureIo({ tty: false });
    const quiet = new ProgressBar(pipe.io.stderr, true);
    quiet.update('upload', 1, 2);
    quiet.done();
    expect(pipe.stderr()).toBe('');

    const tty = captureIo({ tty: true });
    const bar = new ProgressBar(tty.io.stderr, true);
    bar.update('upload', 1, 2);
    expect(tty.stderr()).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 1050));
    bar.update('upload', 1, 2);
    bar.done();
    expect(tty.stderr()).toContain('upload  [############------------]');
    expect(tty.stderr().endsWith('\r\u001b[2K')).toBe(true);
  });
});
