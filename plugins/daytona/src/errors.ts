import {
  AgentkernelError,
  BackendError,
  classifyTransport,
  NotFoundError,
  statusTransience,
  UsageError,
  type Doing,
  type Transience,
} from '@agentkernel/core';
import { BACKEND_NAME as BACKEND } from './name.js';

export { BACKEND };

const AUTH_HINT =
  'check the Daytona credentials: set DAYTONA_API_KEY (or [remote.daytona] api_key / api_key_env); keys are at https://app.daytona.io/dashboard/keys';

const where = (doing: Doing): string =>
  doing.sandboxId === undefined ? '' : ` in sandbox ${doing.sandboxId}`;

const statusOf = (error: unknown): number | undefined => {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
};

/**
 * Reads the SDK's errors for retries: an HTTP status it carries, its own request timeout (which may
 * have reached the server), and the `ws` client's refusal of a WebSocket upgrade ("Unexpected server
 * response: 503"); anything else is classified as a transport failure.
 */
export function classifyDaytona(error: unknown): Transience | undefined {
  const name = (error as Error | undefined)?.name;
  if (name === 'DaytonaConnectionTimeoutError' || name === 'DaytonaTimeoutError') return 'ambiguous';
  const upgrade = /Unexpected server response: (\d{3})/.exec((error as Error | undefined)?.message ?? '');
  if (upgrade?.[1] !== undefined) return statusTransience(Number(upgrade[1]));
  const status = statusOf(error);
  return status === undefined ? classifyTransport(error) : statusTransience(status);
}

/** Whether an SDK error says the thing asked for (sandbox, file, session) does not exist. */
export const isNotFound = (error: unknown): boolean =>
  statusOf(error) === 404 || /NotFoundError$/.test((error as Error | undefined)?.name ?? '');

/** Turns anything the Daytona SDK throws into an agentkernel error (the vendor error kept as `cause`). */
export function toAgentkernelError(error: unknown, doing: Doing): AgentkernelError {
  if (AgentkernelError.isInstance(error)) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const status = statusOf(err);
  const detail = err.message;
  if (err.name === 'DaytonaAuthenticationError' || status === 401 || status === 403) {
    return new BackendError(BACKEND, `Daytona rejected the credentials while ${doing.action}: ${detail}`, {
      code: 'DAYTONA_AUTH',
      hint: AUTH_HINT,
      cause: err,
    });
  }
  if (err.name === 'DaytonaFileNotFoundError')
    return new NotFoundError(`${doing.path ?? 'the path'} does not exist${where(doing)}`, {
      backend: BACKEND,
      cause: err,
    });
  if (isNotFound(err))
    return new NotFoundError(`${doing.action}${where(doing)}: ${detail}`, { backend: BACKEND, cause: err });
  if (status === 400 || status === 409 || status === 422 || err.name === 'DaytonaInvalidArgumentError')
    return new UsageError(`Daytona refused ${doing.action}${where(doing)}: ${detail}`, {
      backend: BACKEND,
      cause: err,
    });
  if (status === 429) {
    return new BackendError(BACKEND, `Daytona kept rate-limiting ${doing.action}${where(doing)}: ${detail}`, {
      code: 'DAYTONA_RATE_LIMITED',
      hint: 'wait a little and retry, or raise [remote.daytona] max_retries',
      cause: err,
    });
  }
  const transient = classifyDaytona(err) !== 'final';
  return new BackendError(
    BACKEND,
    `${doing.action}${where(doing)} failed${transient ? ' after retries' : ''}: ${detail}`,
    {
      code: transient ? 'DAYTONA_UNAVAILABLE' : 'DAYTONA_ERROR',
      cause: err,
    },
  );
}
