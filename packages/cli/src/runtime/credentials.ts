import {
  credentialSpecs,
  resolveCredentials,
  type BackendPlugin,
  type LoadedConfig,
} from '@agentkernel/core';

/** Where one credential of one backend comes from. Never its value. */
export interface CredentialState {
  readonly backend: string;
  readonly key: string;
  readonly required: boolean;
  readonly secret: boolean;
  /** `inline` or `env:<NAME>` when set; `null` when not. */
  readonly source: string | null;
  /** The variables that would provide it, for the message when it is missing. */
  readonly env: readonly string[];
}

export function credentialStates(
  plugin: BackendPlugin,
  loaded: LoadedConfig,
  env: Readonly<Record<string, string | undefined>>,
): CredentialState[] {
  const resolution = resolveCredentials(plugin, loaded, env);
  return credentialSpecs(plugin).map((spec) => ({
    backend: plugin.name,
    key: spec.key,
    required: spec.required,
    secret: spec.secret,
    source: resolution.sources[spec.key] ?? null,
    env: resolution.missing.find((missing) => missing.key === spec.key)?.env ?? spec.env,
  }));
}

/** `env:E2B_API_KEY (set)`, `missing: set E2B_API_KEY`, `not set (optional)`. */
export function describeCredential(state: CredentialState): string {
  if (state.source !== null) return `${state.source} (set)`;
  const where = state.env.length > 0 ? state.env.join(' or ') : `[remote.${state.backend}] ${state.key}_env`;
  return state.required ? `missing: set ${where}` : `not set (optional; ${where})`;
}
