import type { Logger } from '../contract/backend.js';
import { failedCreateError } from './create-cleanup.js';
import type { Retrier } from './retry.js';
import { classify } from './transience.js';

/** The steps of a remote create, which {@link guardedCreate} runs so that no failure leaves an orphan. */
export interface GuardedCreate<Made, Handle> {
  /** What is being created, for messages: `sandbox demo`. */
  readonly what: string;
  /** What the create call does, for the retry debug line: `creating sandbox demo`. */
  readonly action: string;
  readonly signal?: AbortSignal | undefined;
  /** The create call itself: sent again only when the provider refused it (`refused-only`). */
  readonly create: () => Promise<Made>;
  /** What a create whose answer was lost made, found by its creation token (`undefined`: nothing). */
  readonly adopt: () => Promise<Made | undefined>;
  /** The provider id of what the create made, found by its creation token, for the cleanup. */
  readonly find: () => Promise<string | undefined>;
  readonly idOf: (made: Made) => string;
  /** Removes what a failed create left; called again on a transient failure, so "already gone" is done. */
  readonly remove: (id: string) => Promise<void>;
  /** How the user removes a left-over by hand: the provider's console or command. */
  readonly removeHint: string;
  /** The error a failed create call is reported as (the provider's reading of its SDK's error). */
  readonly createFailed: (error: unknown) => unknown;
  /**
   * Finishes the create call (waits for the sandbox to run, removes a duplicate of a delayed attempt);
   * a failure counts as the create's, so it goes through {@link GuardedCreate.createFailed}.
   */
  readonly settle?: (made: Made) => Promise<void>;
  /**
   * Readies what was made (its workspace directory) and returns the handle; when it fails, what was
   * made is removed and its error (already an agentkernel error) is thrown.
   */
  readonly ready: (made: Made) => Promise<Handle>;
}

/**
 * Runs a remote create: the create call under the retrier (after an ambiguous failure the sandbox it
 * made is adopted rather than made twice), then `settle` and `ready`. A failed or aborted create is
 * cleaned up ({@link failedCreateError}): the error thrown is the create's failure (an abort's reason
 * as is), or one naming what it left when removing it failed too.
 */
export async function guardedCreate<Made, Handle>(
  runtime: { readonly retrier: Retrier; readonly logger: Pick<Logger, 'warn'> },
  steps: GuardedCreate<Made, Handle>,
): Promise<Handle> {
  const { retrier, logger } = runtime;
  const { signal } = steps;
  const cleanUp = (failure: unknown, mayHaveMade: boolean, find: () => Promise<string | undefined>) =>
    failedCreateError({
      backend: retrier.backend,
      retrier,
      what: steps.what,
      mayHaveMade,
      find,
      remove: steps.remove,
      failure,
      removeHint: steps.removeHint,
      logger,
    });
  // An adoption means an attempt failed ambiguously: it may have made a sandbox whatever came after.
  let ambiguous = false;
  const adopt = (): Promise<Made | undefined> => {
    ambiguous = true;
    return steps.adopt();
  };
  let made: Made;
  try {
    made = await retrier.run(steps.action, 'refused-only', steps.create, {
      recover: adopt,
      ...(signal === undefined ? {} : { signal }),
    });
    await steps.settle?.(made);
    signal?.throwIfAborted();
  } catch (error) {
    const aborted = signal?.aborted === true;
    const failure: unknown = aborted ? (signal.reason as unknown) : steps.createFailed(error);
    const mayHaveMade = ambiguous || aborted || classify(error, retrier.classify).transience !== 'final';
    throw await cleanUp(failure, mayHaveMade, steps.find);
  }
  const id = steps.idOf(made);
  try {
    return await steps.ready(made);
  } catch (error) {
    throw await cleanUp(error, true, async () => id);
  }
}
