import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultConfig,
  openBackend,
  type Backend,
  type BackendPlugin,
  type LoadedConfig,
  type Logger,
} from '@agentkernel/core';

/** Options of {@link openForTest}. */
export interface OpenForTestOptions {
  /** The plugin's table: `[remote.<name>]`, or `[local]` for `local`. */
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * Credential values by key (`{ api_key: '...' }`), given to core the way a user gives them: in the
   * first environment variable the plugin's credential spec names, so they are resolved and redacted
   * exactly as in the CLI.
   */
  readonly credentials?: Readonly<Record<string, string>>;
  /** The environment core reads settings and credentials from; empty by default (tests stay hermetic). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `$AGENTKERNEL_HOME`; a fresh temporary folder by default. */
  readonly home?: string;
  /** Quiet by default. */
  readonly logger?: Logger;
  /** The other usable backends core tells the plugin about (`BackendContext.otherBackends`). */
  readonly otherBackends?: readonly string[];
}

export const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/**
 * Opens `plugin` through core's real `openBackend`, as the CLI does: its table is validated against its
 * schema (types, choices, minimums, environment fallbacks and defaults apply), its credentials are
 * resolved and registered with the redactor, and its data folder is made under `home`.
 */
export async function openForTest(plugin: BackendPlugin, options: OpenForTestOptions = {}): Promise<Backend> {
  const table = { ...options.config };
  const base = defaultConfig();
  const config =
    plugin.name === 'local'
      ? { ...base, local: { ...base.local, ...table } }
      : { ...base, remote: { providers: { [plugin.name]: table }, profiles: {} } };
  const loaded: LoadedConfig = { projectRoot: tmpdir(), config, warnings: [], keyLines: {} };
  const env: Record<string, string | undefined> = { ...options.env };
  for (const [key, value] of Object.entries(options.credentials ?? {})) {
    const spec = plugin.credentials.find((credential) => credential.key === key);
    const variable = spec?.env[0];
    if (variable === undefined)
      throw new Error(
        `openForTest: plugin ${plugin.name} declares no environment variable for credential ${key}`,
      );
    env[variable] = value;
  }
  return openBackend(plugin, {
    loaded,
    env,
    home: options.home ?? (await mkdtemp(join(tmpdir(), `ak-test-home-${plugin.name}-`))),
    logger: options.logger ?? quietLogger,
    ...(options.otherBackends === undefined ? {} : { otherBackends: options.otherBackends }),
  });
}
