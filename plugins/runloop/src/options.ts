import { requestSettings, type BackendContext, type RetryPolicy } from '@agentkernel/core';

/** Everything an opened Runloop backend needs, resolved once from its validated `[remote.runloop]` table. */
export interface RunloopSettings {
  readonly apiKey: string;
  readonly baseUrl: string;
  /** The blueprint name for `default`/`base` or no image; undefined for Runloop's default image. */
  readonly blueprint: string | undefined;
  readonly onIdle: 'suspend' | 'shutdown';
  readonly networkPolicyId: string | undefined;
  readonly http2: boolean;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
}

export const DEFAULT_BASE_URL = 'https://api.runloop.ai';

function optional(context: BackendContext, key: string): string | undefined {
  const value = context.config[key] as string | undefined;
  return value === '' ? undefined : value;
}

export function resolveSettings(context: BackendContext, apiKey: string): RunloopSettings {
  const request = requestSettings(context.config, 'runloop');
  return {
    apiKey,
    baseUrl: (optional(context, 'base_url') ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    blueprint: optional(context, 'blueprint'),
    onIdle: (context.config.on_idle as 'suspend' | 'shutdown' | undefined) ?? 'suspend',
    networkPolicyId: optional(context, 'network_policy_id'),
    http2: context.config.http2 !== false,
    requestTimeoutMs: request.requestTimeoutMs,
    retry: request.retry,
  };
}
