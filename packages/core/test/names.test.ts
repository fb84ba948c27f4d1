import { describe, expect, it } from 'vitest';
import {
  AgentkernelError,
  fitName,
  isValidSandboxName,
  providerSnapshotName,
  UsageError,
  validateSandboxName,
} from '../src/index.js';

const valid: readonly string[] = [
  'a',
  'Z',
  '7',
  'my-sandbox',
  'my_sandbox',
  'A1-b2_c3',
  'x'.repeat(63),
  'a-b-c-d',
  'a_b-c_d',
];

const invalid: readonly [string, string][] = [
  ['', 'empty'],
  ['x'.repeat(64), 'longer than 63'],
  ['-a', 'starts with a dash'],
  ['_a', 'starts with an underscore'],
  ['a-', 'ends with a dash'],
  ['a_', 'ends with an underscore'],
  ['a--b', 'double dash'],
  ['a__b', 'double underscore'],
  ['a-_b', 'dash then underscore'],
  ['a_-b', 'underscore then dash'],
  ['a.b', 'dot'],
  ['a b', 'space'],
  ['../etc', 'path traversal'],
  ['a/b', 'slash'],
  ['é', 'non-ASCII letter'],
  ['a\nb', 'newline'],
];

describe('isValidSandboxName', () => {
  it.each(valid)('accepts %j', (name) => {
    expect(isValidSandboxName(name)).toBe(true);
    expect(validateSandboxName(name)).toBe(name);
  });

  it.each(invalid)('rejects %j (%s)', (name) => {
    expect(isValidSandboxName(name)).toBe(false);
  });
});

describe('validateSandboxName', () => {
  it('throws a UsageError naming the value and the rule', () => {
    let caught: unknown;
    try {
      validateSandboxName('bad--name');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect(AgentkernelError.isInstance(caught)).toBe(true);
    const error = caught as UsageError;
    expect(error.code).toBe('USAGE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('invalid sandbox name "bad--name"');
    expect(error.message).toContain('1 to 63');
  });

  it('names what was being validated', () => {
    expect(() => validateSandboxName('../x', 'snapshot name')).toThrow(/invalid snapshot name "\.\.\/x"/);
  });
});

describe('fitName', () => {
  it('keeps a short name and suffix whole', () => {
    expect(fitName('demo', '-restored')).toBe('demo-restored');
    expect(fitName('demo')).toBe('demo');
  });

  it('cuts a long base to fit 63 characters with its suffix, and the result is valid', () => {
    const fitted = fitName('a'.repeat(70), '-20260101');
    expect(fitted).toBe(`${'a'.repeat(54)}-20260101`);
    expect(isValidSandboxName(fitted)).toBe(true);
  });

  it('drops the separators the cut leaves before the suffix', () => {
    const base = `${'a'.repeat(53)}-_b`;
    expect(fitName(base, '-restored')).toBe(`${'a'.repeat(53)}-restored`);
    expect(isValidSandboxName(fitName(`${'x'.repeat(62)}-y`))).toBe(true);
  });
});

describe('providerSnapshotName', () => {
  it('makes a slug with a random suffix', () => {
    expect(providerSnapshotName('My Snap/2024!')).toMatch(/^ak-my-snap-2024-[0-9a-f]{8}$/);
    expect(providerSnapshotName('***')).toMatch(/^ak-snapshot-[0-9a-f]{8}$/);
    expect(providerSnapshotName('x'.repeat(60))).toMatch(/^ak-x{40}-[0-9a-f]{8}$/);
    expect(providerSnapshotName('a')).not.toBe(providerSnapshotName('a'));
  });
});
