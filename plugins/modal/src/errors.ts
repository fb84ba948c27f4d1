import {
  AgentkernelError,
  providerErrors,
  SandboxGoneError,
  type Doing,
  type Transience,
} from '@agentkernel/core';
import { BACKEND_NAME as BACKEND } from './name.js';

export { BACKEND };

/** gRPC status codes the backend tells apart (grpc/status.proto). */
export const Code = {
  cancelled: 1,
  unknown: 2,
  invalidArgument: 3,
  deadlineExceeded: 4,
  notFound: 5,
  permissionDenied: 7,
  resourceExhausted: 8,
  failedPrecondition: 9,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
} as const;

const TRANSIENT = new Set<number>([
  Code.cancelled,
  Code.unknown,
  Code.deadlineExceeded,
  Code.resourceExhausted,
  Code.internal,
  Code.unavailable,
]);

const AUTH_HINT =
  'check the Modal token: set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET (or [remote.modal] token_id / token_secret); tokens are at https://modal.com/settings/tokens';

/** The gRPC status of an SDK failure (nice-grpc's ClientError), if it is one. */
export function grpcCode(error: unknown): number | undefined {
  const candidate = error as { name?: unknown; code?: unknown } | undefined;
  return candidate?.name === 'ClientError' && typeof candidate.code === 'number' ? candidate.code : undefined;
}

/** Whether a failed call may succeed if tried again: Modal was busy, throttled or unreachable. */
export function isTransient(error: unknown): boolean {
  const code = grpcCode(error);
  return code !== undefined && TRANSIENT.has(code);
}

/**
 * How a Modal failure bears on retrying (core classifies the rest). RESOURCE_EXHAUSTED is a throttle:
 * Modal refused the call. UNAVAILABLE, INTERNAL, UNKNOWN, CANCELLED and DEADLINE_EXCEEDED may come after
 * Modal acted (a connection lost with the answer), so only calls safe to repeat are repeated. The SDK has
 * already retried these a few times itself (and honoured Modal's own retry-after hints).
 */
export function classifyModalError(error: unknown): Transience | undefined {
  // The SDK's filesystem API hides the gRPC failure of its exec behind these two.
  if (isUnavailable(error) || isHiddenFilesystemFailure(error)) return 'ambiguous';
  const code = grpcCode(error);
  if (code === undefined) return undefined;
  if (code === Code.resourceExhausted) return 'rejected';
  return TRANSIENT.has(code) ? 'ambiguous' : 'final';
}

/**
 * The SDK's filesystem API reports a transient gRPC failure of its exec (UNAVAILABLE, a deadline, a
 * cancelled call, or a sandbox that has shut down) as this `NotFoundError`; only a status check tells
 * which it was.
 */
export function isUnavailable(error: unknown): boolean {
  const err = error as Error | undefined;
  return err?.name === 'NotFoundError' && /^The Sandbox is unavailable/.test(err.message);
}

/** Any other gRPC failure of the filesystem API's exec (a throttle, an internal error) comes out as this. */
function isHiddenFilesystemFailure(error: unknown): boolean {
  const err = error as Error | undefined;
  return err?.name === 'SandboxFilesystemError' && /^An unexpected error occurred/.test(err.message);
}

/** Whether the failure means the sandbox no longer exists (terminated, expired, unknown). */
export function meansGone(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return (
    grpcCode(error) === Code.notFound ||
    name === 'ConflictError' ||
    (name === 'NotFoundError' && !isUnavailable(error)) ||
    name === 'ClientClosedError'
  );
}

const errors = providerErrors({ backend: BACKEND, provider: 'Modal', code: 'MODAL', authHint: AUTH_HINT });

/** Turns anything the Modal SDK throws into an agentkernel error (the vendor error kept as `cause`). */
export function toAgentkernelError(error: unknown, doing: Doing): AgentkernelError {
  if (AgentkernelError.isInstance(error)) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const code = grpcCode(err);
  const detail = (err as { details?: string }).details || err.message;
  if (code === Code.unauthenticated || code === Code.permissionDenied)
    return errors.rejectedCredentials(doing, detail, err);
  if (err.name === 'SandboxFilesystemNotFoundError') return errors.missingPath(doing, err);
  if (isUnavailable(err) || isHiddenFilesystemFailure(err))
    return errors.failed(doing, 'Modal was unreachable or busy', true, err);
  if (doing.sandboxId !== undefined && meansGone(err))
    return new SandboxGoneError(BACKEND, doing.sandboxId, { cause: err });
  // A bare not-found's message leaves the sandbox out.
  if (err.name === 'NotFoundError' || code === Code.notFound)
    return errors.notFound({ action: doing.action }, detail, err);
  if (err.name === 'InvalidError' || code === Code.invalidArgument) return errors.refused(doing, detail, err);
  if (code === Code.resourceExhausted) return errors.rateLimited(doing, detail, err, 'throttling');
  return errors.failed(doing, detail, isTransient(err), err);
}
