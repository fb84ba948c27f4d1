import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exportLines, parseServeArgs } from '../src/index.js';

describe('parseServeArgs', () => {
  it('reads --faults, --fault-kinds and --seed', () => {
    expect(parseServeArgs([]).faults).toBeUndefined();
    const parsed = parseServeArgs(['--faults', '0.2', '--fault-kinds', '429,drop-response', '--seed', '3']);
    expect(parsed.faults?.rate).toBe(0.2);
    expect(parsed.faults?.kinds).toEqual(['429', 'drop-response']);
    expect(parsed.faults?.random?.()).toBe(
      parseServeArgs(['--faults', '1', '--seed', '3']).faults?.random?.(),
    );
  });

  it('says what is wrong with a bad command line', () => {
    expect(() => parseServeArgs(['--faults', '2'])).toThrow(/--faults takes a rate from 0 to 1/);
    expect(() => parseServeArgs(['--faults', 'lots'])).toThrow(/not "lots"/);
    expect(() => parseServeArgs(['--faults', '0.1', '--fault-kinds', '418'])).toThrow(/unknown kind "418"/);
    expect(() => parseServeArgs(['--fault-kinds', 'drop'])).toThrow(/needs --faults/);
    expect(() => parseServeArgs(['--fautls', '0.1'])).toThrow(/fautls/);
  });
});

describe('exportLines', () => {
  it('prints export lines a shell evaluates back to the same values, however hostile', () => {
    const env = { A_URL: 'http://127.0.0.1:1234/x?y=1&z', B: 'it\'s $HOME `id` \\ "q"\nline2', EMPTY: '' };
    const lines = exportLines(env);
    expect(lines.split('\n')[0]).toBe("export A_URL='http://127.0.0.1:1234/x?y=1&z'");
    const printed = execFileSync(
      'sh',
      ['-c', `eval "$1"; printf '%s\\0%s\\0%s' "$A_URL" "$B" "$EMPTY"`, 'sh', lines],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      },
    );
    expect(printed.split('\0')).toEqual([env.A_URL, env.B, env.EMPTY]);
  });

  it('refuses a name the shell would not take as a variable', () => {
    expect(() => exportLines({ 'A;rm -rf /': 'x' })).toThrow(/not a shell variable name/);
  });

  it('--export is a flag of serve.js', () => {
    expect(parseServeArgs(['--export']).export).toBe(true);
    expect(parseServeArgs([]).export).toBe(false);
  });
});
