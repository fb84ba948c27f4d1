import type { ConfigSchema } from '../contract/backend.js';
import { UsageError } from '../errors/errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';

/** The default of `request_timeout_ms`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * The `[remote.<name>]` keys every remote backend shares for its requests, to spread into a plugin's
 * `configSchema`: `max_retries` (retries of rate-limited, failed or dropped requests) and
 * `request_timeout_ms` (how long one request may take to be answered). Read them with
 * {@link requestSettings}.
 */
export const REQUEST_CONFIG_SCHEMA = {
  max_retries: {
    type: 'number',
    description: 'retries of rate-limited, failed (5xx) or dropped requests',
    default: DEFAULT_RETRY_POLICY.retries,
  },
  request_timeout_ms: {
    type: 'number',
    description: 'timeout of each request to the provider, in milliseconds',
    default: DEFAULT_REQUEST_TIMEOUT_MS,
  },
} as const satisfies ConfigSchema;

/** What {@link requestSettings} resolves. */
export interface RequestSettings {
  readonly retry: RetryPolicy;
  readonly requestTimeoutMs: number;
}

function integer(
  config: Readonly<Record<string, unknown>>,
  backend: string,
  key: keyof typeof REQUEST_CONFIG_SCHEMA,
  min: number,
): number {
  const value = config[key] ?? REQUEST_CONFIG_SCHEMA[key].default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UsageError(
      `[remote.${backend}] ${key} must be an integer of at least ${min}, not ${JSON.stringify(value)}`,
      { backend },
    );
  }
  return value;
}

/**
 * Reads `max_retries` and `request_timeout_ms` from an opened backend's config (`context.config`, where
 * core has applied the schema's defaults) into a retry policy and a request timeout.
 */
export function requestSettings(
  config: Readonly<Record<string, unknown>>,
  backend: string,
  policy: Omit<RetryPolicy, 'retries'> = DEFAULT_RETRY_POLICY,
): RequestSettings {
  return {
    retry: { ...policy, retries: integer(config, backend, 'max_retries', 0) },
    requestTimeoutMs: integer(config, backend, 'request_timeout_ms', 1),
  };
}
