import { afterEach, describe, expect, it } from 'vitest';
import {
  BackendError,
  clearSecrets,
  ConfigError,
  NotFoundError,
  registerSecret,
  SyncConflictError,
  UsageError,
} from '@agentkernel/core';
import { describeError } from '../src/report.js';

afterEach(() => clearSecrets());

describe('describeError', () => {
  it.each([
    [new UsageError('bad flag'), 'usage or config error'],
    [new BackendError('e2b', 'provider said 500'), 'backend error'],
    [new SyncConflictError(['a.txt']), 'sync conflict'],
    [new NotFoundError('no sandbox "x"'), 'not found'],
    [new Error('a bug'), 'internal error'],
  ])('for exec and run, %s exits 125 and says it was a %s', (error, kind) => {
    const { exitCode, text } = describeError(error, { debug: false, runsCommand: true });
    expect(exitCode).toBe(125);
    expect(text).toContain(`exit code 125: agentkernel failed (${kind}), not the command`);
  });

  it.each([
    [new UsageError('bad flag'), 2],
    [
      new ConfigError([
        { file: 'agentkernel.toml', line: 3, key: 'resources.vcpus', message: 'must be an integer' },
      ]),
      2,
    ],
    [new BackendError('e2b', 'provider said 500'), 3],
    [new SyncConflictError(['a.txt']), 4],
    [new NotFoundError('no sandbox "x"'), 5],
  ])('maps %s to its exit code', (error, code) => {
    const { exitCode, text } = describeError(error, { debug: false });
    expect(exitCode).toBe(code);
    expect(text.startsWith('[agentkernel]')).toBe(true);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('prints the hint on its own line', () => {
    const { text } = describeError(new SyncConflictError(['a.txt']), { debug: false });
    expect(text).toMatch(/\nhint: rerun with --prefer local or --prefer remote/);
  });

  it('reports a bug as an internal error with exit code 70 and one line, the stack only with --debug', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')\nsecond line");
    const quiet = describeError(bug, { debug: false });
    expect(quiet.exitCode).toBe(70);
    expect(quiet.text).toBe(
      "agentkernel hit an internal error; rerun with --debug and report it: TypeError: Cannot read properties of undefined (reading 'x')\n",
    );
    const loud = describeError(bug, { debug: true });
    expect(loud.text).toMatch(/\n\s+at /);
  });

  it('shows the cause chain with --debug', () => {
    const error = new BackendError('e2b', 'create failed', { cause: new Error('ECONNRESET') });
    expect(describeError(error, { debug: false }).text).not.toMatch(/ECONNRESET/);
    expect(describeError(error, { debug: true }).text).toMatch(/caused by: Error: ECONNRESET/);
  });

  it('redacts registered secrets, in messages, stacks and causes', () => {
    registerSecret('sk-live-abcdef123456');
    const error = new Error('token sk-live-abcdef123456 rejected', {
      cause: new Error('sk-live-abcdef123456'),
    });
    for (const debug of [false, true]) {
      const { text } = describeError(error, { debug });
      expect(text).not.toContain('sk-live-abcdef123456');
      expect(text).toContain('***');
    }
  });
});
