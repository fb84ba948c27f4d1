import { posix } from 'node:path';
import type { ExecOptions, ExecResult, SandboxRef } from '../contract/backend.js';
import { NotFoundError, SandboxGoneError, UsageError } from '../errors/errors.js';
import type { Doing } from './retry.js';

/**
 * What every remote sandbox handle shares, for a provider's handle to extend: its ref and provider
 * id, what the provider's plugin reads from the ref (`info`), paths resolved under the workspace
 * directory, the error for a sandbox that is gone, and the rules of `exec` and `removeFile` that do
 * not depend on the provider.
 */
export abstract class RemoteSandbox<Info extends { readonly workspaceDir: string }> {
  /** Set once `destroy` succeeded: the sandbox is gone without asking the provider. */
  protected destroyed = false;

  protected constructor(
    protected readonly backend: string,
    public ref: SandboxRef,
    protected info: Info,
  ) {}

  /** The provider's id of the sandbox. */
  protected get id(): string {
    return this.ref.id;
  }

  /** A sandbox path: absolute as is, relative under the workspace directory. */
  protected resolve(path: string): string {
    return posix.resolve(this.info.workspaceDir, path);
  }

  protected gone(cause?: unknown): SandboxGoneError {
    return new SandboxGoneError(this.backend, this.id, cause === undefined ? {} : { cause });
  }

  /**
   * Runs a command by `run`, keeping exec's rules: an empty argv is a usage error, an aborted signal
   * rejects before anything starts, and a failure becomes `toError`'s reading of it (told what was
   * running), except the caller's own abort reason, which is rethrown as is.
   */
  protected async guardExec(
    argv: readonly string[],
    options: ExecOptions,
    run: () => Promise<ExecResult>,
    toError: (error: unknown, doing: Doing) => unknown,
  ): Promise<ExecResult> {
    if (argv.length === 0)
      throw new UsageError('exec needs a program to run (argv is empty)', { backend: this.backend });
    options.signal?.throwIfAborted();
    try {
      return await run();
    } catch (error) {
      if (options.signal?.aborted === true && error === options.signal.reason) throw error;
      throw await toError(error, { action: `running ${JSON.stringify(argv[0])}`, sandboxId: this.id });
    }
  }

  /** Runs a removal: removing what is not there is done, but a sandbox that is gone is still an error. */
  protected async removing(removal: Promise<unknown>): Promise<void> {
    try {
      await removal;
    } catch (error) {
      if (NotFoundError.isInstance(error) && !SandboxGoneError.isInstance(error)) return;
      throw error;
    }
  }
}
