import { describe, expect, it } from 'vitest';
import { parseServeArgs } from '../src/index.js';

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
