import type { RemoteProfile } from '../contract/backend.js';
import type { ConfigIssue } from '../errors/errors.js';
import type { KeyLines } from './lines.js';

/** How the embedded `local` backend isolates commands. */
export type IsolationMode = 'bubblewrap' | 'none';

/** Who wrote a config file: a project (`agentkernel.toml`) or the user (the user-level config). */
export type ConfigOrigin = 'project' | 'user';

/** `agentkernel.toml` after validation, with defaults applied. Keys are camelCase versions of the TOML keys. */
export interface AgentkernelConfig {
  sandbox: {
    name?: string;
    runtime?: string;
    baseImage?: string;
    backend?: string;
    /** `ttl`: how long a new sandbox lives, in ms (`0` in the file: no TTL, as without the key). */
    ttlMs?: number;
    /** `idle_timeout`: the provider-side inactivity timeout of a new sandbox, in ms. */
    idleTimeoutMs?: number;
  };
  resources: { vcpus?: number; memoryMb?: number };
  security: { profile?: string; network: boolean; mountCwd: boolean };
  network: { ports: number[] };
  remote: {
    bridge?: string;
    syncMode?: string;
    defaultProfile?: string;
    /**
     * Every `[remote.<provider>]` table by provider name, with its TOML keys unchanged. The keys common to
     * every provider are type-checked; the rest is checked against the plugin's schema when it opens.
     * Inline secrets stay here (and are registered with the redactor by `loadConfig`).
     */
    providers: Record<string, Record<string, unknown>>;
    profiles: Record<string, RemoteProfile>;
  };
  /** Plugin module paths, absolute (resolved against the config file's folder). */
  plugins: { paths: string[] };
  /** The `[local]` table: `isolation`, plus any key the local plugin's schema declares. */
  local: { isolation: IsolationMode; [key: string]: unknown };
}

/** What {@link parseConfig} returns: never throws, reports everything it found. */
export interface ParsedConfig {
  config: AgentkernelConfig;
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
  /** The line of each table header and key in the source, for later messages. */
  keyLines: KeyLines;
}

/** A config found (or not) and validated by {@link loadConfig}. */
export interface LoadedConfig {
  /** Absolute path of the file read; absent when none was found and defaults apply. */
  file?: string;
  /** The nearest folder at or above the working directory with a `package.json` or `.git`. */
  projectRoot: string;
  /** Absolute path of the user-level config, when one was read (see `userConfigPath`). */
  userFile?: string;
  /** When `local` runs without isolation: who chose it (`--isolation none`, or the user-level file). */
  isolationChosenBy?: string;
  config: AgentkernelConfig;
  warnings: ConfigIssue[];
  /** The line of each table header and key in {@link LoadedConfig.file}; empty without a file. */
  keyLines: KeyLines;
}

/** The configuration used when there is no `agentkernel.toml`. */
export function defaultConfig(): AgentkernelConfig {
  return {
    sandbox: {},
    resources: {},
    security: { network: true, mountCwd: false },
    network: { ports: [] },
    remote: { providers: {}, profiles: {} },
    plugins: { paths: [] },
    local: { isolation: 'bubblewrap' },
  };
}
