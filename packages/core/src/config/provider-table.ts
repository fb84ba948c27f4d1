import type { BackendPlugin, ConfigKeySpec } from '../contract/backend.js';
import type { ConfigIssue } from '../errors/errors.js';
import { credentialSpecs } from './credentials.js';
import { formatKeyPath } from './lines.js';
import { providerTable, providerTablePath } from './providers.js';
import { LOCAL_KEYS, PROVIDER_COMMON_KEYS, SECRET_PROVIDER_KEYS } from './schema.js';
import type { LoadedConfig } from './types.js';
import { IssueSink, describe, readEnvName, readString } from './values.js';

export interface ProviderTableValidation {
  /**
   * The table's settings, typed and in range, with environment fallbacks and the schema's defaults
   * applied; credential keys are left out.
   */
  config: Record<string, unknown>;
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
}

type Env = Readonly<Record<string, string | undefined>>;

const COMMON_CREDENTIAL_KEYS = SECRET_PROVIDER_KEYS.flatMap((key) => [key, `${key}_env`]);

/**
 * Checks the backend's table (`[remote.<name>]`, or `[local]`) against the plugin's `configSchema`, the
 * keys common to every provider and the plugin's credential keys: a wrong type, a value outside the
 * key's `choices` or below its `min` is an error; an unknown key or a credential key the plugin does
 * not read is a warning. A key the table leaves unset is read from the schema's `env` variables (checked
 * the same way, the error naming the variable), else takes its default.
 */
export function validateProviderTable(
  plugin: BackendPlugin,
  loaded: LoadedConfig,
  env: Env = {},
): ProviderTableValidation {
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
      const problem = checkValue(value, spec);
      if (problem === undefined) config[key] = value;
      else sink.error([...path, key], problem);
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
    if (config[key] !== undefined) continue;
    // An invalid value in the table was reported; it falls back to the default, not to the environment.
    const fromEnv = Object.hasOwn(table, key) ? undefined : readFromEnv(sink, env, [...path, key], spec);
    if (fromEnv !== undefined) config[key] = fromEnv;
    else if (spec.default !== undefined) {
      config[key] = Array.isArray(spec.default) ? [...(spec.default as readonly string[])] : spec.default;
    }
  }
  return { config, warnings: sink.warnings, errors: sink.errors };
}

const EXPECTED: Record<ConfigKeySpec['type'], string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  'string[]': 'an array of strings',
};

/** Why `value` does not fit `spec`, or `undefined` when it does. */
function checkValue(value: unknown, spec: ConfigKeySpec): string | undefined {
  if (typeof value === 'bigint' && (spec.type === 'integer' || spec.type === 'number'))
    return `must be at most ${Number.MAX_SAFE_INTEGER} (${spec.description}), got ${value}`;
  const typed =
    spec.type === 'string[]'
      ? Array.isArray(value) && value.every((item) => typeof item === 'string')
      : spec.type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : spec.type === 'integer'
          ? typeof value === 'number' && Number.isSafeInteger(value)
          : typeof value === spec.type;
  if (!typed) return `expected ${EXPECTED[spec.type]} (${spec.description}), got ${describe(value)}`;
  if (spec.choices !== undefined && typeof value === 'string' && !spec.choices.includes(value)) {
    const quoted = spec.choices.map((choice) => JSON.stringify(choice));
    const expected = quoted.length > 2 ? `one of ${quoted.join(', ')}` : quoted.join(' or ');
    return `must be ${expected} (${spec.description}), got ${JSON.stringify(value)}`;
  }
  if (spec.min !== undefined && typeof value === 'number' && value < spec.min) {
    return `must be at least ${spec.min} (${spec.description}), got ${value}`;
  }
  return undefined;
}

/** The first set variable of `spec.env`, converted to the key's type; a bad value names the variable. */
function readFromEnv(sink: IssueSink, env: Env, path: readonly string[], spec: ConfigKeySpec): unknown {
  for (const name of spec.env ?? []) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = fromEnvText(raw, spec);
    const problem = checkValue(value, spec);
    if (problem === undefined) return value;
    sink.errors.push({ file: 'environment', key: name, message: `for ${formatKeyPath(path)}: ${problem}` });
    return undefined;
  }
  return undefined;
}

function fromEnvText(raw: string, spec: ConfigKeySpec): unknown {
  const text = raw.trim();
  switch (spec.type) {
    case 'integer':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : raw;
    case 'boolean':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : raw;
    case 'string[]':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'string':
      return raw;
  }
}
