import { UsageError, type BackendContext, requestSettings, type RetryPolicy } from '@agentkernel/core';

/** Everything an opened Runloop backend needs, resolved once from its validated `[remote.runloop]` table. */
export interface RunloopSettings {
  readonly apiKey: string;
  readonly baseUrl: string;
  /** The `<domain>` of tunnel URLs. */
  readonly tunnelDomain: string;
  /** The blueprint name for `default`/`base` or no image; undefined for Runloop's default image. */
  readonly blueprint: string | undefined;
  readonly onIdle: 'suspend' | 'shutdown';
  readonly networkPolicyId: string | undefined;
  readonly http2: boolean;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
}

export const DEFAULT_BASE_URL = 'https://api.runloop.ai';

/**
 * The tunnel domain the SDK's `getTunnelUrl` derives: the API host without a leading `api.`. An API
 * reached by IP address has no such domain (the URL would not parse), so `tunnel_domain` must say it.
 */
function tunnelDomainOf(baseUrl: string): string {
  let host: string;
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    throw new UsageError(`[remote.runloop] base_url ${JSON.stringify(baseUrl)} is not a URL`, {
      backend: 'runloop',
    });
  }
  return host.startsWith('api.') ? host.slice(4) : host;
}

function optional(context: BackendContext, key: string): string | undefined {
  const value = context.config[key] as string | undefined;
  return value === '' ? undefined : value;
}

export function resolveSettings(context: BackendContext, apiKey: string): RunloopSettings {
  const request = requestSettings(context.config);
  const baseUrl = (optional(context, 'base_url') ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  return {
    apiKey,
    baseUrl,
    tunnelDomain: optional(context, 'tunnel_domain') ?? tunnelDomainOf(baseUrl),
    blueprint: optional(context, 'blueprint'),
    onIdle: (context.config.on_idle as 'suspend' | 'shutdown' | undefined) ?? 'suspend',
    networkPolicyId: optional(context, 'network_policy_id'),
    http2: context.config.http2 !== false,
    requestTimeoutMs: request.requestTimeoutMs,
    retry: request.retry,
  };
}
