import type { RemoteProfile } from '../contract/backend.js';
import { providerEnvFor } from './providers.js';
import {
  BACKEND_NAME_PATTERN,
  DEFAULT_WORKSPACE_DIR,
  ENV_NAME_PATTERN,
  PROFILE_KEYS,
  PROVIDER_COMMON_KEYS,
  REMOTE_KEYS,
  SECRET_PROVIDER_KEYS,
  SYNC_MODES,
} from './schema.js';
import { assign } from './sections.js';
import type { AgentkernelConfig } from './types.js';
import {
  describe,
  isTable,
  readEnvName,
  readOneOf,
  readString,
  readStringList,
  readTable,
  warnUnknownKeys,
  type IssueSink,
  type Table,
} from './values.js';

export function readRemote(sink: IssueSink, table: Table): AgentkernelConfig['remote'] {
  const remote: AgentkernelConfig['remote'] = { providers: {}, profiles: {} };
  assign(remote, 'bridge', readString(sink, table, ['remote'], 'bridge'));
  assign(remote, 'syncMode', readOneOf(sink, table, ['remote'], 'sync_mode', SYNC_MODES));
  for (const [key, value] of Object.entries(table)) {
    const path = ['remote', key];
    if ((REMOTE_KEYS as readonly string[]).includes(key)) continue;
    if (key === 'profiles') remote.profiles = readProfiles(sink, readTable(sink, value, path));
    else if (isTable(value)) remote.providers[key] = readProvider(sink, value, key);
    else {
      sink.warn(
        path,
        `unknown key (ignored); expected one of: ${REMOTE_KEYS.join(', ')}, or a [remote.<provider>] table`,
      );
    }
  }
  const defaultProfile = readString(sink, table, ['remote'], 'default_profile');
  if (defaultProfile !== undefined) {
    const names = Object.keys(remote.profiles);
    if (names.includes(defaultProfile)) remote.defaultProfile = defaultProfile;
    else {
      const known =
        names.length === 0
          ? 'no [remote.profiles.<name>] table is defined'
          : `defined profiles: ${names.join(', ')}`;
      sink.error(
        ['remote', 'default_profile'],
        `unknown profile ${JSON.stringify(defaultProfile)}; ${known}`,
      );
    }
  }
  return remote;
}

/** Type-checks the keys common to every provider; other keys stay as they are for the plugin's schema. */
function readProvider(sink: IssueSink, table: Table, provider: string): Record<string, unknown> {
  const path = ['remote', provider];
  if (!BACKEND_NAME_PATTERN.test(provider)) {
    sink.warn(
      path,
      'not a backend name (lower-case letters, digits and "-"), so no backend reads this table',
    );
  }
  const out: Record<string, unknown> = { ...table };
  for (const key of PROVIDER_COMMON_KEYS) {
    const secret = (SECRET_PROVIDER_KEYS as readonly string[]).includes(key);
    const value = key.endsWith('_env')
      ? readEnvName(sink, table, path, key)
      : readString(sink, table, path, key, secret);
    if (value === undefined) delete out[key];
    else if (secret) warnInlineSecret(sink, path, provider, key);
  }
  return out;
}

/** Never includes the value: the warning names where the secret is and what to write instead. */
export function warnInlineSecret(
  sink: IssueSink,
  path: readonly string[],
  provider: string,
  key: string,
): void {
  const [standard] = providerEnvFor(provider, key);
  const instead = standard === undefined ? `${key}_env` : `${key}_env = ${JSON.stringify(standard)}`;
  sink.warn([...path, key], `inline secret (it would be committed with the file): prefer ${instead}`);
}

function readProfiles(sink: IssueSink, table: Table): Record<string, RemoteProfile> {
  const profiles: Record<string, RemoteProfile> = {};
  for (const [name, value] of Object.entries(table)) {
    const path = ['remote', 'profiles', name];
    const profile = readTable(sink, value, path);
    warnUnknownKeys(sink, profile, path, PROFILE_KEYS);
    const image = readString(sink, profile, path, 'image');
    // agentkernel writes one command as a string; a list runs several in order.
    const bootstrap = readStringList(sink, profile, path, 'bootstrap', true) ?? [];
    profiles[name] = {
      name,
      ...(image === undefined ? {} : { image }),
      bootstrap,
      workspaceDir: readWorkspaceDir(sink, profile, path),
      env: readProfileEnv(sink, profile.env, [...path, 'env']),
    };
  }
  return profiles;
}

function readWorkspaceDir(sink: IssueSink, profile: Table, path: string[]): string {
  const dir = readString(sink, profile, path, 'workspace_dir');
  if (dir === undefined) return DEFAULT_WORKSPACE_DIR;
  if (dir.startsWith('/')) return dir;
  sink.error(
    [...path, 'workspace_dir'],
    `must be an absolute path in the sandbox, got ${JSON.stringify(dir)}`,
  );
  return DEFAULT_WORKSPACE_DIR;
}

function readProfileEnv(sink: IssueSink, value: unknown, path: string[]): Record<string, string> {
  if (value === undefined) return {};
  const env: Record<string, string> = {};
  for (const [name, item] of Object.entries(readTable(sink, value, path))) {
    if (!ENV_NAME_PATTERN.test(name)) {
      sink.error(
        [...path, name],
        'not a valid environment variable name (use letters, digits and "_", not starting with a digit)',
      );
    } else if (typeof item !== 'string') {
      sink.error([...path, name], `expected a string, got ${describe(item)}`);
    } else env[name] = item;
  }
  return env;
}
