export { parseConfig, type ParseConfigOptions } from './parse.js';
export { readConfigFile, MAX_CONFIG_BYTES, type ConfigRead } from './read-file.js';
export {
  loadConfig,
  inspectConfig,
  findProjectRoot,
  userConfigPath,
  CONFIG_FILE_NAME,
  type ConfigInspection,
  type LoadConfigOptions,
} from './load.js';
export {
  defaultConfig,
  type AgentkernelConfig,
  type ConfigOrigin,
  type IsolationMode,
  type LoadedConfig,
  type ParsedConfig,
} from './types.js';
export { formatKeyPath, type KeyLines } from './lines.js';
export { DEFAULT_WORKSPACE_DIR } from './schema.js';
export {
  PROVIDER_CREDENTIAL_ENV,
  providerEnvFor,
  providerTable,
  type ProviderCredentialEnv,
} from './providers.js';
export { credentialSpecs, resolveCredentials, type CredentialResolution } from './credentials.js';
export { validateProviderTable, type ProviderTableValidation } from './provider-table.js';
export { openBackend, type OpenBackendOptions } from './open-backend.js';
