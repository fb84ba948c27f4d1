import { requestSettings, type BackendContext, type RetryPolicy } from '@agentkernel/core';

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

// Core validated every key against the plugin's configSchema (types, choices, minimums, env fallbacks and
// defaults) before open, so the values are read as typed here.
function optional(context: BackendContext, key: string): string | undefined {
  const value = context.config[key] as string | undefined;
  return value === '' ? undefined : value;
}

/** Resolves the backend's settings from its validated `[remote.e2b]` table. */
export function resolveSettings(context: BackendContext, apiKey: string): E2BSettings {
  const domain = context.config.domain as string;
  const { retry, requestTimeoutMs } = requestSettings(context.config);
  return {
    apiKey,
    apiUrl: (optional(context, 'base_url') ?? `https://api.${domain}`).replace(/\/+$/, ''),
    domain,
    sandboxUrl: optional(context, 'sandbox_url'),
    template: context.config.template as string,
    requestTimeoutMs,
    onTimeout: context.config.on_timeout as 'pause' | 'kill',
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
