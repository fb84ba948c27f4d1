import { AgentkernelError, classify, providerErrors, SandboxGoneError, type Doing } from '@agentkernel/core';
import { classifyE2BError } from './classify.js';
import { BACKEND_NAME as BACKEND } from './name.js';

export { BACKEND };

const errors = providerErrors({
  backend: BACKEND,
  provider: 'E2B',
  code: 'E2B',
  authHint:
    'check the E2B API key: set E2B_API_KEY (or [remote.e2b] api_key / api_key_env); keys are at https://e2b.dev/dashboard?tab=keys',
});

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
      return errors.rejectedCredentials(doing, detail, err);
    case 'SandboxNotFoundError':
      return new SandboxGoneError(BACKEND, doing.sandboxId ?? 'unknown', { cause: err });
    case 'FileNotFoundError':
      return errors.missingPath(doing, err);
    case 'NotFoundError':
      return errors.notFound(doing, detail, err);
    case 'InvalidArgumentError':
      return errors.refused(doing, detail, err);
    case 'RateLimitError':
      return errors.rateLimited(doing, detail, err);
    default:
      break;
  }
  // A bare 404's message leaves the sandbox out.
  if (statusCode === 404) return errors.notFound({ action: doing.action }, detail, err);
  return errors.failed(doing, detail, classify(err, classifyE2BError).transience !== 'final', err);
}
