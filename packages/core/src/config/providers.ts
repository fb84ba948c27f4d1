import type { AgentkernelConfig } from './types.js';

/** One credential key of `[remote.<provider>]` and the environment variables agentkernel maps it to. */
export interface ProviderCredentialEnv {
  readonly key: string;
  readonly env: readonly string[];
}

/**
 * agentkernel's own mapping of each provider's credential keys to environment variables (the variables
 * its Rust CLI sets when it spawns the bridge, and the providers' standard ones). Core knows the secret
 * ones for every provider, so that credentials resolve and are redacted the same way whether or not that
 * provider's plugin is installed. Non-secret settings (`base_url` from `E2B_API_URL`, ...) are the
 * plugin's business: it declares them as `env` in its `configSchema`.
 */
export const PROVIDER_CREDENTIAL_ENV: Readonly<Record<string, readonly ProviderCredentialEnv[]>> = {
  daytona: [{ key: 'api_key', env: ['DAYTONA_API_KEY'] }],
  e2b: [{ key: 'api_key', env: ['E2B_API_KEY'] }],
  runloop: [{ key: 'api_key', env: ['RUNLOOP_API_KEY'] }],
  modal: [
    { key: 'token_id', env: ['MODAL_TOKEN_ID'] },
    { key: 'token_secret', env: ['MODAL_TOKEN_SECRET'] },
  ],
  agentcomputer: [{ key: 'api_key', env: ['AGENTCOMPUTER_API_KEY'] }],
};

/** The environment variables core maps credential `key` of `provider` to; empty when it knows none. */
export function providerEnvFor(provider: string, key: string): readonly string[] {
  return PROVIDER_CREDENTIAL_ENV[provider]?.find((entry) => entry.key === key)?.env ?? [];
}

/** The dotted path of a backend's table: `local` for the local backend, else `remote.<backend>`. */
export function providerTablePath(backend: string): string[] {
  return backend === 'local' ? ['local'] : ['remote', backend];
}

/** The backend's table: `[local]` for `local`, else `[remote.<backend>]`, or `{}` when absent. */
export function providerTable(config: AgentkernelConfig, backend: string): Record<string, unknown> {
  if (backend === 'local') return { ...config.local };
  return { ...(config.remote.providers[backend] ?? {}) };
}
