import { BackendError, NotFoundError, UsageError } from '../errors/errors.js';
import type { Doing } from './retry.js';

/** How a provider's plugin words its errors. */
export interface ProviderWords {
  /** The backend name (`e2b`): the `[<backend>]` of messages and the `[remote.<backend>]` of hints. */
  readonly backend: string;
  /** The provider's name in prose: `E2B rejected the credentials ...`. */
  readonly provider: string;
  /** The prefix of the provider's error codes: `E2B` gives `E2B_AUTH`, `E2B_UNAVAILABLE`, ... */
  readonly code: Uppercase<string>;
  /** What to check when the provider rejects the credentials. */
  readonly authHint: string;
  /** What the provider calls a sandbox, for `in sandbox <id>`; `sandbox` unless said. */
  readonly sandbox?: string;
}

/** The agentkernel errors every provider's reading of its SDK's errors comes down to. */
export interface ProviderErrors {
  /** ` in sandbox <id>` when `doing` names one, else nothing. */
  where(doing: Doing): string;
  /** The provider refused the credentials (`<CODE>_AUTH`, with the hint of what to check). */
  rejectedCredentials(doing: Doing, detail: string, cause: unknown): BackendError;
  /** The sandbox path `doing` concerns does not exist. */
  missingPath(doing: Doing, cause: unknown): NotFoundError;
  /** What `doing` asked for does not exist. */
  notFound(doing: Doing, detail: string, cause: unknown): NotFoundError;
  /** The provider refused the request as invalid: the user's input (or config) is wrong. */
  refused(doing: Doing, detail: string, cause: unknown): UsageError;
  /** The provider still throttled the call after the retries; `verb` is how it says so (`throttling`). */
  rateLimited(doing: Doing, detail: string, cause: unknown, verb?: string): BackendError;
  /** Any other failure: `<CODE>_UNAVAILABLE` when it was transient (and retried), else `<CODE>_ERROR`. */
  failed(doing: Doing, detail: string, transient: boolean, cause: unknown): BackendError;
}

/** The wording of a provider's errors, so that every plugin says the same thing the same way. */
export function providerErrors(words: ProviderWords): ProviderErrors {
  const { backend, provider, code } = words;
  const where = (doing: Doing): string =>
    doing.sandboxId === undefined ? '' : ` in ${words.sandbox ?? 'sandbox'} ${doing.sandboxId}`;
  return {
    where,
    rejectedCredentials: (doing, detail, cause) =>
      new BackendError(backend, `${provider} rejected the credentials while ${doing.action}: ${detail}`, {
        code: `${code}_AUTH`,
        hint: words.authHint,
        cause,
      }),
    missingPath: (doing, cause) =>
      new NotFoundError(`${doing.path ?? 'the path'} does not exist${where(doing)}`, { backend, cause }),
    notFound: (doing, detail, cause) =>
      new NotFoundError(`${doing.action}${where(doing)}: ${detail}`, { backend, cause }),
    refused: (doing, detail, cause) =>
      new UsageError(`${provider} refused ${doing.action}${where(doing)}: ${detail}`, { backend, cause }),
    rateLimited: (doing, detail, cause, verb = 'rate-limiting') =>
      new BackendError(backend, `${provider} kept ${verb} ${doing.action}${where(doing)}: ${detail}`, {
        code: `${code}_RATE_LIMITED`,
        hint: `wait a little and retry, or raise [remote.${backend}] max_retries`,
        cause,
      }),
    failed: (doing, detail, transient, cause) =>
      new BackendError(
        backend,
        `${doing.action}${where(doing)} failed${transient ? ' after retries' : ''}: ${detail}`,
        { code: transient ? `${code}_UNAVAILABLE` : `${code}_ERROR`, cause },
      ),
  };
}
