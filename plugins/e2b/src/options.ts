import { requestSettings, UsageError, type BackendContext, type RetryPolicy } from '@agentkernel/core';

/** Everything an opened E2B backend needs, resolved once from config, credentials and environment. */
export interface E2BSettings {
  readonly apiKey: string;
  readonly apiUrl: string;
  readonly domain: string;
  readonly sandboxUrl: string | undefined;
  readonly template: string;
  readonly requestTimeoutMs: number;
  readonly onTimeout: 'pause' | 'kill';
  readonly retry: RetryPolicy;
}

/** The connection options every SDK call gets (the SDK's own 429 retry is off: ours covers it). */
export interface SdkConnection {
  readonly apiKey: string;
  readonly apiUrl: string;
  readonly domain: string;
  readonly sandboxUrl?: string;
  readonly requestTimeoutMs: number;
  readonly retries: 0;
}

function text(context: BackendContext, key: string, envName?: string): string | undefined {
  const value = context.config[key] ?? (envName === undefined ? undefined : context.env[envName]);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string')
    throw new UsageError(`[remote.e2b] ${key} must be a string`, { backend: 'e2b' });
  return value;
}

/**
 * Resolves the backend's settings. `base_url` (or `E2B_API_URL`) becomes the SDK's `apiUrl`;
 * `sandbox_url` (or `E2B_SANDBOX_URL`) its `sandboxUrl`; `domain` (or `E2B_DOMAIN`) its `domain`.
 */
export function resolveSettings(context: BackendContext, apiKey: string): E2BSettings {
  const domain = text(context, 'domain', 'E2B_DOMAIN') ?? 'e2b.app';
  const onTimeout = text(context, 'on_timeout') ?? 'pause';
  if (onTimeout !== 'pause' && onTimeout !== 'kill') {
    throw new UsageError(
      `[remote.e2b] on_timeout must be "pause" or "kill", not ${JSON.stringify(onTimeout)}`,
      { backend: 'e2b' },
    );
  }
  const { retry, requestTimeoutMs } = requestSettings(context.config, 'e2b');
  return {
    apiKey,
    apiUrl: (text(context, 'base_url', 'E2B_API_URL') ?? `https://api.${domain}`).replace(/\/+$/, ''),
    domain,
    sandboxUrl: text(context, 'sandbox_url', 'E2B_SANDBOX_URL'),
    template: text(context, 'template') ?? 'base',
    requestTimeoutMs,
    onTimeout,
    retry,
  };
}

export function connectionOf(settings: E2BSettings): SdkConnection {
  return {
    apiKey: settings.apiKey,
    apiUrl: settings.apiUrl,
    domain: settings.domain,
    ...(settings.sandboxUrl === undefined ? {} : { sandboxUrl: settings.sandboxUrl }),
    requestTimeoutMs: settings.requestTimeoutMs,
    retries: 0,
  };
}
