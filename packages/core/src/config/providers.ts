import type { AgentkernelConfig } from './types.js';

/** One `[remote.<provider>]` key and the environment variables agentkernel maps it to. */
export interface ProviderEnvEntry {
  readonly key: string;
  readonly env: readonly string[];
  readonly secret: boolean;
}

/**
 * agentkernel's own mapping of `[remote.<provider>]` keys to environment variables (the variables its
 * Rust CLI sets when it spawns the bridge, and the providers' standard ones). Core knows it so that
 * credentials resolve the same way before, and whether or not, a plugin declares them.
 */
export const PROVIDER_ENV: Readonly<Record<string, readonly ProviderEnvEntry[]>> = {
  daytona: [
    { key: 'api_key', env: ['DAYTONA_API_KEY'], secret: true },
    { key: 'base_url', env: ['DAYTONA_API_URL'], secret: false },
    { key: 'organization', env: ['DAYTONA_ORGANIZATION_ID'], secret: false },
    { key: 'region', env: ['DAYTONA_TARGET'], secret: false },
  ],
  e2b: [
    { key: 'api_key', env: ['E2B_API_KEY'], secret: true },
    { key: 'base_url', env: ['E2B_API_URL'], secret: false },
  ],
  runloop: [
    { key: 'api_key', env: ['RUNLOOP_API_KEY'], secret: true },
    { key: 'base_url', env: ['RUNLOOP_BASE_URL'], secret: false },
  ],
  modal: [
    { key: 'token_id', env: ['MODAL_TOKEN_ID'], secret: true },
    { key: 'token_secret', env: ['MODAL_TOKEN_SECRET'], secret: true },
    { key: 'environment', env: ['MODAL_ENVIRONMENT'], secret: false },
    { key: 'base_url', env: ['MODAL_ENDPOINT'], secret: false },
    { key: 'project', env: ['MODAL_APP_NAME'], secret: false },
    { key: 'region', env: ['MODAL_REGION'], secret: false },
  ],
  agentcomputer: [{ key: 'api_key', env: ['AGENTCOMPUTER_API_KEY'], secret: true }],
};

/** The environment variables core maps `key` of `provider` to; empty when it knows none. */
export function providerEnvFor(provider: string, key: string): readonly string[] {
  return PROVIDER_ENV[provider]?.find((entry) => entry.key === key)?.env ?? [];
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

/**
 * Fills non-secret settings (`base_url`, `region`, ...) that the table leaves unset from the environment
 * variables agentkernel maps them to. Returns a new object.
 */
export function applyProviderEnv(
  backend: string,
  table: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...table };
  for (const entry of PROVIDER_ENV[backend] ?? []) {
    if (entry.secret || out[entry.key] !== undefined) continue;
    const value = entry.env
      .map((name) => env[name])
      .find((candidate) => candidate !== undefined && candidate !== '');
    if (value !== undefined) out[entry.key] = value;
  }
  return out;
}
