export { parseConfig } from './parse.js';
export { loadConfig, findProjectRoot, CONFIG_FILE_NAME, type LoadConfigOptions } from './load.js';
export {
  defaultConfig,
  type AgentkernelConfig,
  type IsolationMode,
  type LoadedConfig,
  type ParsedConfig,
} from './types.js';
export { formatKeyPath, type KeyLines } from './lines.js';
export {
  PROVIDER_CREDENTIAL_ENV,
  providerEnvFor,
  providerTable,
  type ProviderCredentialEnv,
} from './providers.js';
export { credentialSpecs, resolveCredentials, type CredentialResolution } from './credentials.js';
export { validateProviderTable, type ProviderTableValidation } from './provider-table.js';
export { openBackend, type OpenBackendOptions } from './open-backend.js';
