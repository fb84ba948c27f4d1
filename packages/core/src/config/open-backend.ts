import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend, BackendContext, BackendPlugin, Logger } from '../contract/backend.js';
import { ConfigError, CredentialsMissingError, formatConfigIssue } from '../errors/errors.js';
import { redact, registerSecret } from '../errors/redactor.js';
import { credentialSpecs, resolveCredentials } from './credentials.js';
import { validateProviderTable } from './provider-table.js';
import type { LoadedConfig } from './types.js';

export interface OpenBackendOptions {
  loaded: LoadedConfig;
  /** Where credentials and provider settings are read from (normally `process.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** `$AGENTKERNEL_HOME`; the plugin's data directory is `<home>/plugins/<name>`. */
  home: string;
  logger: Logger;
  /** The other usable backends, passed on so the backend can suggest them (see `BackendContext`). */
  otherBackends?: readonly string[];
}

/**
 * Opens a backend: validates its table (`ConfigError`), resolves its credentials and registers every
 * secret value with the redactor before anything can print it, fails with `CredentialsMissingError`
 * naming the variables to set, then calls `plugin.open` with the context. A stub plugin's own `open`
 * decides what a stub does.
 */
export async function openBackend(plugin: BackendPlugin, options: OpenBackendOptions): Promise<Backend> {
  const { loaded, env, logger } = options;
  const table = validateProviderTable(plugin, loaded, env);
  if (table.errors.length > 0) throw new ConfigError(table.errors, { backend: plugin.name });

  const credentials = resolveCredentials(plugin, loaded, env);
  for (const spec of credentialSpecs(plugin)) {
    if (spec.secret) registerSecret(credentials.values[spec.key]);
  }
  for (const warning of [...table.warnings, ...credentials.warnings])
    logger.warn(redact(formatConfigIssue(warning)));
  if (credentials.missing.length > 0) throw new CredentialsMissingError(plugin.name, credentials.missing);
  for (const [key, source] of Object.entries(credentials.sources))
    logger.debug(`credential ${key} from ${source}`);

  const dataDir = join(options.home, 'plugins', plugin.name);
  await mkdir(dataDir, { recursive: true });
  const context: BackendContext = {
    config: Object.freeze(table.config),
    credentials: Object.freeze({ ...credentials.values }),
    env,
    dataDir,
    logger,
    otherBackends: options.otherBackends ?? [],
  };
  return await plugin.open(context);
}
