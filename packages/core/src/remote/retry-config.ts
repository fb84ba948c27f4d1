import type { ConfigSchema } from '../contract/backend.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';

/** The default of `request_timeout_ms`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * The `[remote.<name>]` keys every remote backend shares for its requests, to spread into a plugin's
 * `configSchema`: `max_retries` (retries of rate-limited, failed or dropped requests) and
 * `request_timeout_ms` (how long one request may take to be answered). Core validates them with the
 * rest of the table; read them with {@link requestSettings}.
 */
export const REQUEST_CONFIG_SCHEMA = {
  max_retries: {
    type: 'integer',
    description: 'retries of rate-limited, failed (5xx) or dropped requests',
    default: DEFAULT_RETRY_POLICY.retries,
    min: 0,
  },
  request_timeout_ms: {
    type: 'integer',
    description: 'timeout of each request to the provider, in milliseconds',
    default: DEFAULT_REQUEST_TIMEOUT_MS,
    min: 1,
  },
} as const satisfies ConfigSchema;

/** What {@link requestSettings} resolves. */
export interface RequestSettings {
  readonly retry: RetryPolicy;
  readonly requestTimeoutMs: number;
}

/**
 * Reads `max_retries` and `request_timeout_ms` from an opened backend's config (`context.config`, which
 * core validated against {@link REQUEST_CONFIG_SCHEMA}) into a retry policy and a request timeout;
 * `policy` gives the delays (the defaults suit most providers).
 */
export function requestSettings(
  config: Readonly<Record<string, unknown>>,
  policy: Omit<RetryPolicy, 'retries'> = DEFAULT_RETRY_POLICY,
): RequestSettings {
  const retries = (config.max_retries as number | undefined) ?? REQUEST_CONFIG_SCHEMA.max_retries.default;
  const timeout = config.request_timeout_ms as number | undefined;
  return {
    retry: { ...policy, retries },
    requestTimeoutMs: timeout ?? REQUEST_CONFIG_SCHEMA.request_timeout_ms.default,
  };
}
