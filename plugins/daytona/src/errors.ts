import {
  AgentkernelError,
  classifyTransport,
  providerErrors,
  statusTransience,
  type Doing,
  type Transience,
} from '@agentkernel/core';
import { BACKEND_NAME as BACKEND } from './name.js';

export { BACKEND };

const errors = providerErrors({
  backend: BACKEND,
  provider: 'Daytona',
  code: 'DAYTONA',
  authHint:
    'check the Daytona credentials: set DAYTONA_API_KEY (or [remote.daytona] api_key / api_key_env); keys are at https://app.daytona.io/dashboard/keys',
});

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
  if (err.name === 'DaytonaAuthenticationError' || status === 401 || status === 403)
    return errors.rejectedCredentials(doing, detail, err);
  if (err.name === 'DaytonaFileNotFoundError') return errors.missingPath(doing, err);
  if (isNotFound(err)) return errors.notFound(doing, detail, err);
  if (status === 400 || status === 409 || status === 422 || err.name === 'DaytonaInvalidArgumentError')
    return errors.refused(doing, detail, err);
  if (status === 429) return errors.rateLimited(doing, detail, err);
  return errors.failed(doing, detail, classifyDaytona(err) !== 'final', err);
}
