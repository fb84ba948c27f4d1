import { describe, expect, it } from 'vitest';
import { stringRecord } from '../src/index.js';

describe('stringRecord', () => {
  it('takes an object of strings, absent or null as empty, and refuses anything else', () => {
    expect(stringRecord({ a: 'b' })).toEqual({ a: 'b' });
    expect(stringRecord(undefined)).toEqual({});
    expect(stringRecord(null)).toEqual({});
    expect(stringRecord({ a: 1 })).toBeUndefined();
    expect(stringRecord(['a'])).toBeUndefined();
    expect(stringRecord('a')).toBeUndefined();
  });
});
