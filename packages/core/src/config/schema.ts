// The keys of `agentkernel.toml` (DESIGN.md section 5). The names are agentkernel's own, so one file
// serves both the Rust CLI and this tool.

export const TOP_LEVEL_TABLES = [
  'sandbox',
  'resources',
  'security',
  'network',
  'remote',
  'plugins',
  'local',
] as const;

export const SANDBOX_KEYS = ['name', 'runtime', 'base_image', 'backend', 'ttl', 'idle_timeout'] as const;
export const RESOURCES_KEYS = ['vcpus', 'memory_mb'] as const;
export const SECURITY_KEYS = ['profile', 'network', 'mount_cwd'] as const;
export const NETWORK_KEYS = ['ports'] as const;
export const PLUGINS_KEYS = ['paths'] as const;
export const LOCAL_KEYS = ['isolation'] as const;
/** The scalar keys of `[remote]`; every sub-table other than `profiles` is a provider table. */
export const REMOTE_KEYS = ['bridge', 'sync_mode', 'default_profile'] as const;
export const PROFILE_KEYS = ['image', 'bootstrap', 'workspace_dir', 'env'] as const;

/** Credential keys: a literal value in the file is a secret that risks being committed. */
export const SECRET_PROVIDER_KEYS = ['api_key', 'token_id', 'token_secret'] as const;

/** The keys every `[remote.<provider>]` table accepts, all strings. */
export const PROVIDER_COMMON_KEYS = [
  'api_key',
  'api_key_env',
  'token_id',
  'token_id_env',
  'token_secret',
  'token_secret_env',
  'base_url',
  'environment',
  'organization',
  'project',
  'region',
  'profile',
] as const;

/** agentkernel's security presets. */
export const SECURITY_PROFILES = ['permissive', 'moderate', 'restrictive'] as const;
/** agentkernel defines one sync mode: push before each command, pull after it. */
export const SYNC_MODES = ['managed'] as const;
export const ISOLATION_MODES = ['bubblewrap', 'none'] as const;

export const MIN_VCPUS = 1;
export const MIN_MEMORY_MB = 64;
/** The workspace directory inside a sandbox unless a profile says otherwise. */
export const DEFAULT_WORKSPACE_DIR = '/workspace';

/** A POSIX-portable environment variable name. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The contract's rule for `BackendPlugin.name`: the value users type after `--backend` (`e2b`, `my-cloud`). */
export const BACKEND_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
