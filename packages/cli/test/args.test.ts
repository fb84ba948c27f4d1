import { describe, expect, it } from 'vitest';
import { commandArgv, parseEnvPairs, timeoutMs } from '../src/args.js';
import { commandWordAt, separateCommand, takesValueIn } from '../src/split-command.js';

describe('parseEnvPairs', () => {
  it('splits at the first = and keeps the rest of the value', () => {
    expect(parseEnvPairs(['A=1', 'URL=http://x?a=b', 'EMPTY='])).toEqual({
      A: '1',
      URL: 'http://x?a=b',
      EMPTY: '',
    });
  });
  it('lets a later pair win', () => {
    expect(parseEnvPairs(['A=1', 'A=2'])).toEqual({ A: '2' });
  });
  it.each(['NOVALUE', '=x', '1A=b', 'A-B=c'])('refuses %s', (pair) => {
    expect(() => parseEnvPairs([pair])).toThrow(/NAME=VALUE|missing "=VALUE"/);
  });
});

describe('commandArgv', () => {
  it('joins positional words and the words after --', () => {
    expect(commandArgv({ cmd: ['echo'], '--': ['-n', 'hi'] })).toEqual(['echo', '-n', 'hi']);
    expect(commandArgv({ '--': ['sh', '-c', 'exit 7'] })).toEqual(['sh', '-c', 'exit 7']);
  });
  it('refuses an empty command with an example', () => {
    expect(() => commandArgv({ cmd: [] })).toThrow(/no command given, e.g. agentkernel exec demo ls -la/);
  });
});

describe('separateCommand', () => {
  const takesValue = takesValueIn({
    string: ['env', 'workdir', 'config'],
    array: ['env'],
    number: ['timeout'],
    boolean: ['sync', 'json', 'stdin'],
    alias: { env: ['e'], workdir: ['w'], config: ['c'], stdin: ['i'] },
  });
  const exec = (argv: string[]) => separateCommand(argv, 0, { positionals: 1, takesValue });
  it.each([
    [
      ['exec', 'demo', 'ls', '-la'],
      ['exec', 'demo', '--', 'ls', '-la'],
    ],
    [
      ['exec', '-e', 'A=1', 'demo', 'ls'],
      ['exec', '-e', 'A=1', 'demo', '--', 'ls'],
    ],
    [
      ['exec', '--env=A=1', 'demo', '-i', 'ls'],
      ['exec', '--env=A=1', 'demo', '-i', '--', 'ls'],
    ],
    [
      ['exec', 'demo', '--no-sync', '--timeout', '3', 'make'],
      ['exec', 'demo', '--no-sync', '--timeout', '3', '--', 'make'],
    ],
    [
      ['exec', 'demo', '-', 'x'],
      ['exec', 'demo', '--', '-', 'x'],
    ],
    [
      ['exec', 'demo', '--', 'ls', '--', '-c'],
      ['exec', 'demo', '--', 'ls', '--', '-c'],
    ],
    [
      ['exec', 'demo'],
      ['exec', 'demo'],
    ],
    [
      ['exec', 'demo', '-w'],
      ['exec', 'demo', '-w'],
    ],
    [
      ['exec', '--help'],
      ['exec', '--help'],
    ],
  ])('%j', (argv, expected) => {
    expect(exec(argv)).toEqual(expected);
  });

  it('finds the command word after global options and their values', () => {
    const globals = takesValueIn({ string: ['backend'], alias: { backend: ['B'] }, boolean: ['json'] });
    expect(commandWordAt(['-B', 'e2b', '--json', 'run', 'x'], globals)).toEqual({ word: 'run', index: 3 });
    expect(commandWordAt(['--json'], globals)).toBeUndefined();
    expect(commandWordAt(['--', 'run'], globals)).toBeUndefined();
  });
});

describe('timeoutMs', () => {
  it('converts seconds', () => {
    expect(timeoutMs(undefined)).toBeUndefined();
    expect(timeoutMs(1.5)).toBe(1500);
  });
  it.each([0, -1, Number.NaN])('refuses %s', (value) => {
    expect(() => timeoutMs(value)).toThrow(/--timeout/);
  });
});
