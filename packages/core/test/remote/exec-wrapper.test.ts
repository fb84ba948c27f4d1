import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shellQuote, WrapperDecoder, wrapperScript } from '../../src/remote/exec-wrapper.js';

const BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Runs the wrapper with the host's bash, as envd's `/bin/bash -l -c` would, and decodes its output. */
function runWrapper(argv: string[], path: string | undefined, input?: Buffer) {
  const result = spawnSync('/bin/bash', ['-c', wrapperScript(argv, '/', undefined, 'test1')], {
    input,
    env: { PATH: path ?? process.env.PATH ?? '' },
  });
  const decoder = new WrapperDecoder();
  void decoder.feed('stdout', result.stdout.toString('latin1'));
  void decoder.feed('stderr', result.stderr.toString('latin1'));
  void decoder.flush();
  return { status: result.status, decoder };
}

const noPerl = mkdtempSync(join(tmpdir(), 'ak-noperl-'));
for (const tool of ['cat', 'dd', 'base64', 'mktemp', 'mkfifo', 'rm', 'timeout', 'sh', 'head']) {
  const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`])
    .stdout.toString()
    .trim();
  symlinkSync(found, join(noPerl, tool));
}
afterAll(() => rmSync(noPerl, { recursive: true, force: true }));

describe('the exec wrapper', () => {
  for (const [label, path] of [
    ['with perl', undefined],
    ['without perl (dd and base64)', noPerl],
  ] as const) {
    it(`returns stdout and stderr byte for byte, and the exit status, ${label}`, () => {
      const script = 'cat; printf "\\377\\000err" >&2; exit 7';
      const { status, decoder } = runWrapper(['sh', '-c', script], path, BYTES);
      expect(status).toBe(7);
      expect(Buffer.concat(decoder.stdout).equals(BYTES)).toBe(true);
      expect(Buffer.concat(decoder.stderr)).toEqual(Buffer.from([0xff, 0x00, 0x65, 0x72, 0x72]));
      expect(decoder.groupPid).toBeGreaterThan(1);
    });
  }

  it('reports a missing working directory as a shell would (exit 1, message on stderr)', () => {
    const result = spawnSync('/bin/bash', [
      '-c',
      wrapperScript(['true'], '/no/such/dir', undefined, 'test2'),
    ]);
    const decoder = new WrapperDecoder();
    void decoder.feed('stderr', result.stderr.toString('latin1'));
    void decoder.flush();
    expect(result.status).toBe(1);
    expect(Buffer.concat(decoder.stderr).toString()).toMatch(
      /cd: \/no\/such\/dir: No such file or directory/,
    );
  });

  it('quotes every argument literally', () => {
    const weird = ["it's", '$HOME', '`id`', 'a b', '', '*'];
    const { decoder } = runWrapper(['printf', '[%s]', ...weird], undefined);
    expect(Buffer.concat(decoder.stdout).toString()).toBe(weird.map((w) => `[${w}]`).join(''));
    expect(shellQuote("a'b")).toBe("'a'\\''b'");
  });
});

describe('WrapperDecoder', () => {
  it('reassembles lines split across chunks and hands each decoded chunk to the callback', () => {
    const seen: string[] = [];
    const decoder = new WrapperDecoder((chunk: Uint8Array) => seen.push(Buffer.from(chunk).toString()));
    const line = `=${Buffer.from('hello').toString('base64')}\n=${Buffer.from(' world').toString('base64')}\n`;
    for (const piece of [line.slice(0, 3), line.slice(3, 11), line.slice(11)])
      void decoder.feed('stdout', piece);
    expect(seen).toEqual(['hello', ' world']);
    // What a handler received is not kept as well.
    expect(decoder.stdout).toEqual([]);
  });

  it('hands no further chunk to a busy handler until its promise settles', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const decoder = new WrapperDecoder((chunk) => {
      seen.push(Buffer.from(chunk).toString());
      if (seen.length === 1) return new Promise<void>((resolve) => (release = resolve));
    });
    const lines = ['a', 'b', 'c'].map((word) => `=${Buffer.from(word).toString('base64')}\n`).join('');
    const waiting = decoder.feed('stdout', lines);
    expect(waiting).toBeInstanceOf(Promise);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['a']);
    release();
    await waiting;
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('reads control lines on stderr and ignores anything else (login noise, job notices)', () => {
    const decoder = new WrapperDecoder();
    void decoder.feed('stdout', 'Welcome to the sandbox!\n');
    void decoder.feed('stderr', '#pid 4242\nbash: line 9: 4242 Killed\n#error no fifos\n');
    void decoder.flush();
    expect(decoder.stdout).toEqual([]);
    expect(decoder.stderr).toEqual([]);
    expect(decoder.groupPid).toBe(4242);
    expect(decoder.wrapperError).toBe('no fifos');
  });

  it('records a failing output callback, says so through failed, and drops later output', async () => {
    let calls = 0;
    const decoder = new WrapperDecoder(() => {
      calls += 1;
      return Promise.reject(new Error('consumer broke'));
    });
    await decoder.feed('stdout', `=${Buffer.from('x').toString('base64')}\n`);
    await decoder.failed;
    expect(String(decoder.callbackError?.error)).toContain('consumer broke');
    await decoder.feed('stdout', `=${Buffer.from('y').toString('base64')}\n`);
    expect(calls).toBe(1);
    expect(decoder.stdout).toEqual([]);
  });
});
