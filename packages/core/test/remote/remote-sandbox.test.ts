import { describe, expect, it } from 'vitest';
import {
  BackendError,
  NotFoundError,
  RemoteSandbox,
  SandboxGoneError,
  UsageError,
  type Doing,
  type ExecOptions,
  type ExecResult,
} from '../../src/index.js';

const result: ExecResult = {
  exitCode: 0,
  stdout: Buffer.from(''),
  stderr: Buffer.from(''),
  durationMs: 1,
  timedOut: false,
};

/** The smallest handle: `exec` runs `run` through the base's rules. */
class AcmeSandbox extends RemoteSandbox<{ workspaceDir: string }> {
  readonly seen: Doing[] = [];

  constructor(private readonly run: () => Promise<ExecResult>) {
    super('acme', { backend: 'acme', id: 'sb-1', metadata: {} }, { workspaceDir: '/workspace' });
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.guardExec(argv, options, this.run, (error, doing) => {
      this.seen.push(doing);
      return new BackendError('acme', `${doing.action} failed: ${(error as Error).message}`);
    });
  }

  remove(failure: Error): Promise<void> {
    return this.removing(Promise.reject(failure));
  }

  paths(...paths: string[]): string[] {
    return paths.map((path) => this.resolve(path));
  }

  goneError(cause?: unknown): SandboxGoneError {
    return this.gone(cause);
  }
}

describe('RemoteSandbox', () => {
  it('resolves relative paths under the workspace directory, absolute ones as they are', () => {
    const sandbox = new AcmeSandbox(async () => result);
    expect(sandbox.paths('.', 'src/a.ts', '/etc/hosts', '../x')).toEqual([
      '/workspace',
      '/workspace/src/a.ts',
      '/etc/hosts',
      '/x',
    ]);
  });

  it('makes a gone error naming backend and id, keeping the cause', () => {
    const cause = new Error('404');
    const gone = new AcmeSandbox(async () => result).goneError(cause);
    expect(gone).toBeInstanceOf(SandboxGoneError);
    expect(gone.message).toContain('[acme]');
    expect(gone.message).toContain('sb-1');
    expect(gone.cause).toBe(cause);
  });

  it('refuses an empty argv and an aborted signal before running anything', async () => {
    let runs = 0;
    const sandbox = new AcmeSandbox(async () => {
      runs += 1;
      return result;
    });
    await expect(sandbox.exec([])).rejects.toBeInstanceOf(UsageError);
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(sandbox.exec(['true'], { signal: controller.signal })).rejects.toBe(reason);
    expect(runs).toBe(0);
    await expect(sandbox.exec(['true'])).resolves.toBe(result);
  });

  it('turns a failure into the provider error, told what was running, but keeps the caller’s abort', async () => {
    const failing = new AcmeSandbox(() => Promise.reject(new Error('dropped')));
    await expect(failing.exec(['ls', '-l'])).rejects.toThrow('running "ls" failed: dropped');
    expect(failing.seen).toEqual([{ action: 'running "ls"', sandboxId: 'sb-1' }]);

    const controller = new AbortController();
    const reason = new Error('interrupted');
    const aborted = new AcmeSandbox(() => {
      controller.abort(reason);
      return Promise.reject(reason);
    });
    await expect(aborted.exec(['sleep', '9'], { signal: controller.signal })).rejects.toBe(reason);
    expect(aborted.seen).toEqual([]);
  });

  it('treats removing a missing path as done, but not a gone sandbox or another failure', async () => {
    const sandbox = new AcmeSandbox(async () => result);
    await expect(sandbox.remove(new NotFoundError('/a does not exist'))).resolves.toBeUndefined();
    await expect(sandbox.remove(sandbox.goneError())).rejects.toBeInstanceOf(SandboxGoneError);
    await expect(sandbox.remove(new Error('denied'))).rejects.toThrow('denied');
  });
});
