import {
  AgentkernelError,
  causeChain,
  classify,
  httpStatusOf,
  providerErrors,
  statusTransience,
  type Doing,
  type Transience,
} from '@agentkernel/core';
import { BACKEND_NAME as BACKEND } from './name.js';

export { BACKEND };

// Core's `Doing.sandboxId` holds the devbox id.
const errors = providerErrors({
  backend: BACKEND,
  provider: 'Runloop',
  code: 'RUNLOOP',
  authHint:
    'check the Runloop API key: set RUNLOOP_API_KEY (or [remote.runloop] api_key / api_key_env); keys are at https://platform.runloop.ai/settings',
  sandbox: 'devbox',
});

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
  if (status === 401 || status === 403) return errors.rejectedCredentials(doing, detail, err);
  if (status === 404)
    return doing.path === undefined ? errors.notFound(doing, detail, err) : errors.missingPath(doing, err);
  if (status === 400 || status === 422) return errors.refused(doing, detail, err);
  if (status === 429) return errors.rateLimited(doing, detail, err);
  return errors.failed(doing, detail, classify(err, classifyRunloopError).transience !== 'final', err);
}
