import { describe, expect, it } from 'vitest';
import { commandArgv, parseEnvPairs, timeoutMs } from '../src/args.js';

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
  it('refuses an empty command with a hint about --', () => {
    expect(() => commandArgv({ cmd: [] })).toThrow(/after --/);
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
