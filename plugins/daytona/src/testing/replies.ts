import type { Reply } from '@agentkernel/fake-kit';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The control plane's error body (NestJS style): `{statusCode, message, error}`. */
export function apiError(status: number, message: string, headers?: Record<string, string>): Reply {
  return {
    status,
    body: { statusCode: status, message, error: REASONS[status] ?? 'Error' },
    ...(headers === undefined ? {} : { headers }),
  };
}

/** The daemon's error body: `{statusCode, message, code, source}`; the SDK maps `code` to its error classes. */
export function daemonError(status: number, message: string, code?: string): Reply {
  return {
    status,
    body: {
      statusCode: status,
      message,
      code: code ?? (REASONS[status] ?? 'ERROR').toUpperCase().replaceAll(' ', '_'),
      source: 'DAYTONA_DAEMON',
      timestamp: new Date().toISOString(),
    },
  };
}
