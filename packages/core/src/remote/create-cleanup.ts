import { AgentkernelError, BackendError } from '../errors/errors.js';
import type { Logger } from '../contract/backend.js';
import type { Retrier } from './retry.js';

/** How to clean up after a create that failed or was aborted. */
export interface FailedCreateCleanup {
  readonly backend: string;
  /** Each step is retried as an idempotent call. */
  readonly retrier: Retrier;
  /** What was being created, for messages: `sandbox demo`. */
  readonly what: string;
  /**
   * The provider id of whatever the failed create made, found by its creation token (a label, a name
   * given at create), or `undefined` when it made nothing. A backend that knows the id returns it.
   */
  readonly find: () => Promise<string | undefined>;
  /** Removes it; called again on a transient failure, so it must treat "already gone" as done. */
  readonly remove: (id: string) => Promise<void>;
  /**
   * Whether the create may have made something (an attempt failed ambiguously, or it was aborted):
   * only then is a failed lookup reported as a possible left-over. A create the provider refused
   * outright (bad credentials, a bad template) made nothing.
   */
  readonly mayHaveMade: boolean;
}

/** What a failed create may have left at the provider. */
export interface LeftOver {
  /** The provider id, when it is known (undefined: the lookup itself failed). */
  readonly id: string | undefined;
  /** Why it could not be removed (or looked up). */
  readonly reason: unknown;
}

/**
 * Finds and removes what a failed create left at the provider, each step retried: resolves with
 * `undefined` when nothing is left, or with what may be left and why it could not be removed, for
 * {@link leftOverError}. It never throws: the create's own failure is the one to report.
 */
export async function cleanUpFailedCreate(cleanup: FailedCreateCleanup): Promise<LeftOver | undefined> {
  let id: string | undefined;
  try {
    id = await cleanup.retrier.run(
      `looking for what the failed create of ${cleanup.what} left`,
      'idempotent',
      () => cleanup.find(),
    );
  } catch (reason) {
    return cleanup.mayHaveMade ? { id: undefined, reason } : undefined;
  }
  if (id === undefined) return undefined;
  const found = id;
  try {
    await cleanup.retrier.run(
      `removing ${found}, left by the failed create of ${cleanup.what}`,
      'idempotent',
      () => cleanup.remove(found),
    );
    return undefined;
  } catch (reason) {
    return { id: found, reason };
  }
}

const reasonOf = (reason: unknown): string =>
  AgentkernelError.isInstance(reason)
    ? reason.detail
    : reason instanceof Error
      ? reason.message
      : String(reason);

/**
 * The error to throw when a create failed and cleaning up after it did not succeed either: the
 * create's failure (kept as `cause`), plus the provider id of what it left so the user can remove it.
 * `removeHint` says how, e.g. `agentkernel sandbox remove --id <id>` or the provider's console.
 */
export function leftOverError(
  backend: string,
  failure: unknown,
  left: LeftOver,
  removeHint = "remove it in the provider's console",
): BackendError {
  const what =
    left.id === undefined
      ? 'it may have left a sandbox at the provider, and looking for it failed'
      : `it left ${left.id} at the provider, and removing it failed`;
  return new BackendError(backend, `${reasonOf(failure)}; ${what}: ${reasonOf(left.reason)}`, {
    code: 'CREATE_LEFT_SANDBOX',
    hint: left.id === undefined ? removeHint : `${removeHint} (id ${left.id})`,
    cause: failure,
  });
}

/** What {@link failedCreateError} needs beyond the cleanup itself. */
export interface FailedCreate extends FailedCreateCleanup {
  /** Why the create failed (or the abort's reason). */
  readonly failure: unknown;
  /** How the user removes a left-over, for {@link leftOverError}. */
  readonly removeHint?: string;
  readonly logger: Pick<Logger, 'warn'>;
}

/**
 * Cleans up after a failed or aborted create ({@link cleanUpFailedCreate}) and returns the error to
 * throw: the create's failure when nothing is left; otherwise one naming what is left. A failure that
 * is not ours (an abort's reason) is kept as is, and what is left is said in a warning instead.
 */
export async function failedCreateError(failed: FailedCreate): Promise<unknown> {
  const left = await cleanUpFailedCreate(failed);
  if (left === undefined) return failed.failure;
  const error = leftOverError(failed.backend, failed.failure, left, failed.removeHint);
  if (!AgentkernelError.isInstance(failed.failure)) {
    failed.logger.warn(error.detail);
    return failed.failure;
  }
  return error;
}
