import type { BackendPlugin, ConfigKeySpec } from '../contract/backend.js';
import type { ConfigIssue } from '../errors/errors.js';
import { credentialSpecs } from './credentials.js';
import { providerTable, providerTablePath } from './providers.js';
import { LOCAL_KEYS, PROVIDER_COMMON_KEYS, SECRET_PROVIDER_KEYS } from './schema.js';
import type { LoadedConfig } from './types.js';
import { IssueSink, describe, readEnvName, readString } from './values.js';

export interface ProviderTableValidation {
  /** The table's settings with the schema's defaults applied; credential keys are left out. */
  config: Record<string, unknown>;
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
}

const COMMON_CREDENTIAL_KEYS = SECRET_PROVIDER_KEYS.flatMap((key) => [key, `${key}_env`]);

/**
 * Checks the backend's table (`[remote.<name>]`, or `[local]`) against the plugin's `configSchema`, the
 * keys common to every provider and the plugin's credential keys: a wrong type is an error, an unknown
 * key or a credential key the plugin does not read is a warning.
 */
export function validateProviderTable(plugin: BackendPlugin, loaded: LoadedConfig): ProviderTableValidation {
  const table = providerTable(loaded.config, plugin.name);
  const path = providerTablePath(plugin.name);
  const sink = new IssueSink(loaded.file ?? 'agentkernel.toml', loaded.keyLines);
  const credentialKeys = credentialSpecs(plugin).flatMap((spec) => [spec.key, `${spec.key}_env`]);
  const common: readonly string[] = plugin.name === 'local' ? LOCAL_KEYS : PROVIDER_COMMON_KEYS;
  const schemaKeys = Object.keys(plugin.configSchema);
  const config: Record<string, unknown> = {};

  for (const [key, value] of Object.entries(table)) {
    const spec = Object.hasOwn(plugin.configSchema, key) ? plugin.configSchema[key] : undefined;
    if (spec !== undefined) {
      if (checkType(sink, [...path, key], value, spec)) config[key] = value;
    } else if (credentialKeys.includes(key)) {
      // Common credential keys were checked when the file was read; the plugin's own are checked here.
      if (common.includes(key)) continue;
      if (key.endsWith('_env')) readEnvName(sink, table, path, key);
      else readString(sink, table, path, key, true);
    } else if (COMMON_CREDENTIAL_KEYS.includes(key)) {
      const reads = plugin.credentials.map((credential) => credential.key).join(', ') || 'no credentials';
      sink.warn([...path, key], `not used by backend "${plugin.name}" (ignored); it reads ${reads}`);
    } else if (common.includes(key)) {
      config[key] = value;
    } else {
      const known = [...new Set([...schemaKeys, ...common, ...credentialKeys])];
      sink.warn(
        [...path, key],
        `unknown key for backend "${plugin.name}" (ignored); expected one of: ${known.join(', ')}`,
      );
    }
  }
  for (const [key, spec] of Object.entries(plugin.configSchema)) {
    if (config[key] === undefined && spec.default !== undefined) {
      config[key] = Array.isArray(spec.default) ? [...(spec.default as readonly string[])] : spec.default;
    }
  }
  return { config, warnings: sink.warnings, errors: sink.errors };
}

function checkType(sink: IssueSink, path: string[], value: unknown, spec: ConfigKeySpec): boolean {
  const ok =
    spec.type === 'string[]'
      ? Array.isArray(value) && value.every((item) => typeof item === 'string')
      : spec.type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : typeof value === spec.type;
  if (!ok) {
    const expected = {
      string: 'a string',
      number: 'a number',
      boolean: 'true or false',
      'string[]': 'an array of strings',
    }[spec.type];
    sink.error(path, `expected ${expected} (${spec.description}), got ${describe(value)}`);
  }
  return ok;
}
