import { DEFAULT_RETRY_POLICY, type BackendContext, type RetryPolicy } from '@agentkernel/core';

/** Everything an opened Modal backend needs, resolved once from config and credentials. */
export interface ModalSettings {
  readonly tokenId: string;
  readonly tokenSecret: string;
  /** `MODAL_SERVER_URL` for the SDK; undefined keeps its default (or the user's ~/.modal.toml). */
  readonly serverUrl: string | undefined;
  readonly appName: string;
  readonly environment: string | undefined;
  readonly image: string;
  readonly lifetimeSecs: number;
  readonly retry: RetryPolicy;
}

const optional = (context: BackendContext, key: string): string | undefined => {
  const value = context.config[key] as string | undefined;
  return value === '' ? undefined : value;
};

/** Reads the validated `[remote.modal]` table (core applied types, minimums, env fallbacks and defaults). */
export function resolveSettings(context: BackendContext): ModalSettings {
  return {
    tokenId: context.credentials.token_id ?? '',
    tokenSecret: context.credentials.token_secret ?? '',
    serverUrl: optional(context, 'base_url')?.replace(/\/+$/, ''),
    appName: context.config.project as string,
    environment: optional(context, 'environment'),
    image: context.config.image as string,
    lifetimeSecs: context.config.lifetime_secs as number,
    retry: { ...DEFAULT_RETRY_POLICY, retries: context.config.max_retries as number },
  };
}
