import { httpStatusOf, statusTransience, type Transience } from '@agentkernel/core';

/**
 * envd errors carry their HTTP status only in the message: "500: ..." from its REST API, "2: [unknown]
 * HTTP 500" from Connect when the answer was not a Connect error (a proxy's).
 */
function statusOf(error: Error): number | undefined {
  const match = /^(\d{3}):/.exec(error.message) ?? /^\d+: \[\w+\] HTTP (\d{3})\b/.exec(error.message);
  return httpStatusOf(error) ?? (match === null ? undefined : Number(match[1]));
}

/**
 * How E2B's SDK errors bear on retrying (core classifies transport failures). A 502 is E2B's proxy
 * saying it cannot reach the sandbox (killed, expired, paused): retrying the same request cannot help.
 */
export function classifyE2BError(error: unknown): Transience | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'RateLimitError' || error.name === 'ServiceBusyError') return 'rejected';
  const status = statusOf(error);
  if (status === 502) return 'final';
  return status === undefined ? undefined : statusTransience(status);
}
