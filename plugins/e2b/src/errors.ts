import {
  AgentkernelError,
  BackendError,
  classify,
  NotFoundError,
  SandboxGoneError,
  UsageError,
  type Doing,
} from '@agentkernel/core';
import { classifyE2BError } from './classify.js';
import { BACKEND_NAME as BACKEND } from './name.js';

export { BACKEND };

const AUTH_HINT =
  'check the E2B API key: set E2B_API_KEY (or [remote.e2b] api_key / api_key_env); keys are at https://e2b.dev/dashboard?tab=keys';

const where = (doing: Doing): string =>
  doing.sandboxId === undefined ? '' : ` in sandbox ${doing.sandboxId}`;

/**
 * Whether an envd failure may mean the sandbox is no longer reachable (killed, expired or paused):
 * the proxy answers 502, which the SDK reports as `TimeoutError` or, when starting a command, as
 * `SandboxNotFoundError`.
 */
export function mayBeUnreachable(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return (
    name === 'TimeoutError' ||
    name === 'SandboxNotFoundError' ||
    /^502:/.test((error as Error | undefined)?.message ?? '')
  );
}

/** Turns anything the E2B SDK throws into an agentkernel error (the vendor error kept as `cause`). */
export function toAgentkernelError(error: unknown, doing: Doing): AgentkernelError {
  if (AgentkernelError.isInstance(error)) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const detail = err.message;
  const statusCode = (err as { statusCode?: unknown }).statusCode;
  switch (err.name) {
    case 'AuthenticationError':
      return new BackendError(BACKEND, `E2B rejected the credentials while ${doing.action}: ${detail}`, {
        code: 'E2B_AUTH',
        hint: AUTH_HINT,
        cause: err,
      });
    case 'SandboxNotFoundError':
      return new SandboxGoneError(BACKEND, doing.sandboxId ?? 'unknown', { cause: err });
    case 'FileNotFoundError':
      return new NotFoundError(`${doing.path ?? 'the path'} does not exist${where(doing)}`, {
        backend: BACKEND,
        cause: err,
      });
    case 'NotFoundError':
      return new NotFoundError(`${doing.action}${where(doing)}: ${detail}`, { backend: BACKEND, cause: err });
    case 'InvalidArgumentError':
      return new UsageError(`E2B refused ${doing.action}${where(doing)}: ${detail}`, {
        backend: BACKEND,
        cause: err,
      });
    case 'RateLimitError':
      return new BackendError(BACKEND, `E2B kept rate-limiting ${doing.action}${where(doing)}: ${detail}`, {
        code: 'E2B_RATE_LIMITED',
        hint: 'wait a little and retry, or raise [remote.e2b] max_retries',
        cause: err,
      });
    default:
      break;
  }
  if (statusCode === 404)
    return new NotFoundError(`${doing.action}: ${detail}`, { backend: BACKEND, cause: err });
  const transient = classify(err, classifyE2BError).transience !== 'final';
  return new BackendError(
    BACKEND,
    `${doing.action}${where(doing)} failed${transient ? ' after retries' : ''}: ${detail}`,
    {
      code: transient ? 'E2B_UNAVAILABLE' : 'E2B_ERROR',
      cause: err,
    },
  );
}
