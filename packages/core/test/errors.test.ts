import { describe, expect, it, afterEach } from 'vitest';
import {
  AgentkernelError,
  BackendError,
  CapabilityUnsupportedError,
  ConfigError,
  exitCodeFor,
  NotFoundError,
  SandboxGoneError,
  SyncConflictError,
  UsageError,
  clearSecrets,
  redact,
  redactValue,
  registerSecret,
} from '../src/index.js';

afterEach(() => clearSecrets());

describe('AgentkernelError', () => {
  it('prefixes the component and the backend, and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const error = new BackendError('e2b', 'create failed', { cause });
    expect(error.message).toBe('[agentkernel] [e2b] create failed');
    expect(error.cause).toBe(cause);
    expect(error.code).toBe('BACKEND');
    expect(error.exitCode).toBe(3);
    expect(error.name).toBe('BackendError');
  });

  it('is recognised across copies of core through the Symbol.for marker', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('agentkernel.error')]: true });
    expect(AgentkernelError.isInstance(foreign)).toBe(true);
    expect(AgentkernelError.isInstance(new Error('x'))).toBe(false);
    expect(AgentkernelError.isInstance(null)).toBe(false);
    expect(AgentkernelError.isInstance(new UsageError('bad'))).toBe(true);
  });

  it('maps errors to the exit codes of DESIGN.md section 9', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(
      exitCodeFor(new ConfigError([{ file: 'a.toml', line: 3, key: 'sandbox.name', message: 'bad' }])),
    ).toBe(2);
    expect(exitCodeFor(new CapabilityUnsupportedError('local', 'native snapshots'))).toBe(3);
    expect(exitCodeFor(new SyncConflictError(['a.txt']))).toBe(4);
    expect(exitCodeFor(new NotFoundError('no sandbox demo'))).toBe(5);
    expect(exitCodeFor(new SandboxGoneError('e2b', 'sbx_1'))).toBe(5);
    expect(exitCodeFor(new TypeError('bug'))).toBe(70);
  });

  it('names the file, line and key of config issues', () => {
    const error = new ConfigError([
      { file: 'agentkernel.toml', line: 4, key: 'resources.vcpus', message: 'must be a number' },
    ]);
    expect(error.detail).toBe('agentkernel.toml:4: resources.vcpus: must be a number');
  });

  it('names the backend and the capability when one is missing', () => {
    expect(new CapabilityUnsupportedError('modal', 'native snapshots').message).toBe(
      '[agentkernel] [modal] backend "modal" does not support native snapshots',
    );
  });
});

describe('redactor', () => {
  it('masks every registered secret in messages, hints and values', () => {
    registerSecret('e2b_0123456789abcdef');
    const error = new BackendError('e2b', 'auth failed for key e2b_0123456789abcdef', {
      hint: 'check e2b_0123456789abcdef',
    });
    expect(error.message).not.toContain('0123456789abcdef');
    expect(error.message).toContain('***');
    expect(error.hint).toBe('check ***');
    expect(redactValue({ a: ['x e2b_0123456789abcdef'], n: 1 })).toEqual({ a: ['x ***'], n: 1 });
  });

  it('masks the longer of two overlapping secrets whole', () => {
    registerSecret('abcd');
    registerSecret('abcdefgh');
    expect(redact('key=abcdefgh')).toBe('key=***');
  });

  it('ignores values too short to be secrets', () => {
    registerSecret('ab');
    expect(redact('about')).toBe('about');
  });

  it('is shared by copies of core through globalThis', () => {
    const registry = (globalThis as Record<symbol, { secrets: Set<string> }>)[
      Symbol.for('agentkernel.redactor.v1')
    ];
    registry?.secrets.add('from-another-copy');
    expect(redact('x from-another-copy')).toBe('x ***');
  });
});
