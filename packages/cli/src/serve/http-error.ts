import type { AgentkernelError } from '@agentkernel/core';

/**
 * An error answered as agentkernel's envelope, `{success: false, error, ...extra}`, with an HTTP status
 * (the SDK maps 400, 401 and 404 to its own error classes, and every other status to `ServerError`).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

// Codes whose exit code says "usage" but which are the server's own configuration, not the request.
const SERVER_SIDE = new Set(['CONFIG_INVALID', 'CREDENTIALS_MISSING']);

/** The HTTP status of an agentkernel error: its CLI exit code, translated. */
export function statusOf(error: AgentkernelError): number {
  if (error.code === 'STATE_LOCKED' || error.code === 'SANDBOX_EXPIRED') return 409;
  if (error.code === 'CAPABILITY_UNSUPPORTED') return 501;
  if (SERVER_SIDE.has(error.code)) return 500;
  switch (error.exitCode) {
    case 2:
      return 400;
    case 4:
      return 409;
    case 5:
      return 404;
    default:
      return 500;
  }
}

/** The message of an agentkernel error (already redacted), with its hint when it has one. */
export function messageWithHint(error: AgentkernelError): string {
  return error.hint === undefined ? error.message : `${error.message} (${error.hint})`;
}
