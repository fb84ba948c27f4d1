import type { BackendPlugin, CredentialSpec } from '../contract/backend.js';
import type { ConfigIssue } from '../errors/errors.js';
import { PROVIDER_CREDENTIAL_ENV, providerTable, providerTablePath } from './providers.js';
import { warnInlineSecret } from './remote.js';
import { SECRET_PROVIDER_KEYS } from './schema.js';
import type { LoadedConfig } from './types.js';
import { IssueSink } from './values.js';

export interface CredentialResolution {
  /** Resolved values by credential key; an unresolved credential is absent. */
  values: Record<string, string>;
  /** Required credentials that resolved to nothing; `env` lists what the user can set. */
  missing: CredentialSpec[];
  /** Where each value came from: `inline` or `env:<NAME>`. Never the value. */
  sources: Record<string, string>;
  warnings: ConfigIssue[];
}

/**
 * The credentials a backend reads: the plugin's own, each also accepting the environment variables
 * agentkernel maps its key to, plus the secrets agentkernel knows for that provider that the plugin
 * does not declare (optional, so they are resolved and redacted but never demanded).
 */
export function credentialSpecs(plugin: Pick<BackendPlugin, 'name' | 'credentials'>): CredentialSpec[] {
  const known = PROVIDER_CREDENTIAL_ENV[plugin.name] ?? [];
  const specs = plugin.credentials.map((spec) => {
    const extra = known.find((entry) => entry.key === spec.key)?.env ?? [];
    return { ...spec, env: [...new Set([...spec.env, ...extra])] };
  });
  for (const entry of known) {
    if (specs.some((spec) => spec.key === entry.key)) continue;
    specs.push({
      key: entry.key,
      env: [...entry.env],
      required: false,
      secret: true,
      description: `${entry.key} (from ${entry.env.join(' or ')})`,
    });
  }
  return specs;
}

/**
 * Resolves each credential: the inline value in the backend's table (with a warning when it is a
 * secret), else the variable its `<key>_env` names, else the first set variable of its `env` list. When
 * `<key>_env` names a variable that is not set, that variable is the only one reported as missing: the
 * file asked for it explicitly. Pure: nothing is registered with the redactor here.
 */
export function resolveCredentials(
  plugin: Pick<BackendPlugin, 'name' | 'credentials'>,
  loaded: LoadedConfig,
  env: Readonly<Record<string, string | undefined>>,
): CredentialResolution {
  const table = providerTable(loaded.config, plugin.name);
  const path = providerTablePath(plugin.name);
  const sink = new IssueSink(loaded.file ?? 'agentkernel.toml', loaded.keyLines);
  const resolution: CredentialResolution = { values: {}, missing: [], sources: {}, warnings: sink.warnings };

  for (const spec of credentialSpecs(plugin)) {
    const inline = table[spec.key];
    const named = table[`${spec.key}_env`];
    if (typeof inline === 'string' && inline !== '') {
      resolution.values[spec.key] = inline;
      resolution.sources[spec.key] = 'inline';
      // loadConfig already warned about the keys common to every provider.
      if (spec.secret && !(SECRET_PROVIDER_KEYS as readonly string[]).includes(spec.key)) {
        warnInlineSecret(sink, path, plugin.name, spec.key);
      }
      continue;
    }
    const candidates = typeof named === 'string' ? [named] : spec.env;
    const found = candidates
      .map((name) => ({ name, value: env[name] }))
      .find(({ value }) => value !== undefined && value !== '');
    if (found?.value !== undefined) {
      resolution.values[spec.key] = found.value;
      resolution.sources[spec.key] = `env:${found.name}`;
    } else if (spec.required) {
      resolution.missing.push({ ...spec, env: candidates });
    } else if (typeof named === 'string') {
      sink.warn([...path, `${spec.key}_env`], `names ${named}, which is not set`);
    }
  }
  return resolution;
}
