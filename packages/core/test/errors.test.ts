import { describe, expect, it, afterEach, vi } from 'vitest';
import {
  AgentkernelError,
  BackendError,
  CapabilityUnsupportedError,
  ConfigError,
  exitCodeFor,
  NotFoundError,
  SandboxGoneError,
  SandboxNotFoundError,
  StateCorruptError,
  StateError,
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

  it('gives each class its own marker, so isInstance tells the classes apart', () => {
    const gone = new SandboxGoneError('e2b', 'sbx_1');
    expect(SandboxGoneError.isInstance(gone)).toBe(true);
    expect(NotFoundError.isInstance(gone)).toBe(true);
    expect(AgentkernelError.isInstance(gone)).toBe(true);
    expect(SandboxNotFoundError.isInstance(gone)).toBe(false);
    expect(UsageError.isInstance(gone)).toBe(false);
    expect(NotFoundError.isInstance(new NotFoundError('x'))).toBe(true);
    expect(SandboxGoneError.isInstance(new NotFoundError('x'))).toBe(false);
    expect(StateCorruptError.isInstance(new StateError('x', { code: 'STATE_CORRUPT' }))).toBe(false);
    expect(StateError.isInstance(new StateCorruptError('a.json', 'not JSON'))).toBe(true);
    expect(SyncConflictError.isInstance(new UsageError('x'))).toBe(false);
    for (const hostile of [undefined, null, 0, 'SyncConflictError', { code: 'SYNC_CONFLICT' }, () => 1])
      expect(SyncConflictError.isInstance(hostile)).toBe(false);
  });

  it('recognises errors made by a second copy of the module, where instanceof fails', async () => {
    vi.resetModules();
    const copy = await import('../src/errors/errors.js');
    const foreign = new copy.SyncConflictError(['a.txt']);
    expect(foreign).not.toBeInstanceOf(SyncConflictError);
    expect(SyncConflictError.isInstance(foreign)).toBe(true);
    expect(AgentkernelError.isInstance(foreign)).toBe(true);
    expect(UsageError.isInstance(foreign)).toBe(false);
    expect(exitCodeFor(foreign)).toBe(4);
    // and the other way round: this copy's errors are known to the second copy
    expect(copy.SandboxNotFoundError.isInstance(new SandboxNotFoundError('demo'))).toBe(true);
    expect(copy.StateCorruptError.isInstance(new SandboxNotFoundError('demo'))).toBe(false);
  });

  it('reads the marker a copy sets by hand', () => {
    const manual = Object.assign(new Error('x'), {
      [Symbol.for('agentkernel.error')]: true,
      [Symbol.for('agentkernel.error.NotFoundError')]: true,
    });
    expect(NotFoundError.isInstance(manual)).toBe(true);
    expect(SandboxGoneError.isInstance(manual)).toBe(false);
    const wrongValue = { [Symbol.for('agentkernel.error.NotFoundError')]: 'yes' };
    expect(NotFoundError.isInstance(wrongValue)).toBe(false);
  });

  it('names the sandbox and the corrupt file, with a hint', () => {
    const missing = new SandboxNotFoundError('demo');
    expect(missing.message).toBe('[agentkernel] no sandbox named "demo"');
    expect([missing.code, missing.exitCode, missing.hint]).toEqual([
      'SANDBOX_NOT_FOUND',
      5,
      'see the sandboxes you have with: agentkernel sandbox list',
    ]);
    const corrupt = new StateCorruptError('/h/sandboxes/a.json', 'not valid JSON');
    expect(corrupt.detail).toBe('state file /h/sandboxes/a.json is corrupt: not valid JSON');
    expect([corrupt.code, corrupt.exitCode, corrupt.hint]).toEqual([
      'STATE_CORRUPT',
      3,
      'fix or delete /h/sandboxes/a.json',
    ]);
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
