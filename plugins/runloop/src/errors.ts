import {
  AgentkernelError,
  BackendError,
  NotFoundError,
  UsageError,
  causeChain,
  classify,
  httpStatusOf,
  statusTransience,
  type Doing,
  type Transience,
} from '@agentkernel/core';
import { BACKEND_NAME as BACKEND } from './name.js';

export { BACKEND };

const AUTH_HINT =
  'check the Runloop API key: set RUNLOOP_API_KEY (or [remote.runloop] api_key / api_key_env); keys are at https://platform.runloop.ai/settings';

// Core's `Doing.sandboxId` holds the devbox id.
const where = (doing: Doing): string =>
  doing.sandboxId === undefined ? '' : ` in devbox ${doing.sandboxId}`;

/** The class names of an error and its ancestors (`APIConnectionTimeoutError`, `APIConnectionError`, ...). */
function classNames(error: Error): string[] {
  const names: string[] = [];
  for (
    let proto: unknown = Object.getPrototypeOf(error);
    proto !== null && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

/**
 * How the Runloop SDK's errors bear on retrying (core classifies the rest). An `APIConnectionError`
 * (without a status) is any failure below HTTP: a reset HTTP/2 stream, a dropped socket, a request
 * timeout; the request may have reached Runloop. A user abort is final. The SDK's classes are matched
 * by name, so this module needs no import of the SDK.
 */
export function classifyRunloopError(error: unknown): Transience | undefined {
  if (!(error instanceof Error)) return undefined;
  const names = classNames(error);
  if (names.includes('APIUserAbortError') || error.name === 'AbortError') return 'final';
  if (names.includes('APIConnectionError')) return 'ambiguous';
  const status = httpStatusOf(error);
  return status === undefined ? undefined : statusTransience(status);
}

/** Whether an error (or one of its causes) is Runloop's answer with this HTTP status. */
export const hasStatus = (error: unknown, status: number): boolean =>
  causeChain(error).some((cause) => httpStatusOf(cause) === status);

/** Turns anything the Runloop SDK throws into an agentkernel error (the vendor error kept as `cause`). */
export function toAgentkernelError(error: unknown, doing: Doing): AgentkernelError {
  if (AgentkernelError.isInstance(error)) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const status = httpStatusOf(err);
  const detail = err.message;
  if (status === 401 || status === 403) {
    return new BackendError(BACKEND, `Runloop rejected the credentials while ${doing.action}: ${detail}`, {
      code: 'RUNLOOP_AUTH',
      hint: AUTH_HINT,
      cause: err,
    });
  }
  if (status === 404) {
    if (doing.path !== undefined)
      return new NotFoundError(`${doing.path} does not exist${where(doing)}`, {
        backend: BACKEND,
        cause: err,
      });
    return new NotFoundError(`${doing.action}${where(doing)}: ${detail}`, { backend: BACKEND, cause: err });
  }
  if (status === 400 || status === 422) {
    return new UsageError(`Runloop refused ${doing.action}${where(doing)}: ${detail}`, {
      backend: BACKEND,
      cause: err,
    });
  }
  if (status === 429) {
    return new BackendError(BACKEND, `Runloop kept rate-limiting ${doing.action}${where(doing)}: ${detail}`, {
      code: 'RUNLOOP_RATE_LIMITED',
      hint: 'wait a little and retry, or raise [remote.runloop] max_retries',
      cause: err,
    });
  }
  const transient = classify(err, classifyRunloopError).transience !== 'final';
  return new BackendError(
    BACKEND,
    `${doing.action}${where(doing)} failed${transient ? ' after retries' : ''}: ${detail}`,
    { code: transient ? 'RUNLOOP_UNAVAILABLE' : 'RUNLOOP_ERROR', cause: err },
  );
}
