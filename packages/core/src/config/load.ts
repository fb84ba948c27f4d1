import { lstat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { registerSecret } from '../errors/redactor.js';
import { parseConfig } from './parse.js';
import { readConfigFile } from './read-file.js';
import { SECRET_PROVIDER_KEYS } from './schema.js';
import type { AgentkernelConfig, IsolationMode, LoadedConfig } from './types.js';
import { defaultConfig } from './types.js';

export const CONFIG_FILE_NAME = 'agentkernel.toml';

export interface LoadConfigOptions {
  /** Where the search starts, and what relative `configPath`s are resolved against. */
  cwd: string;
  /** An explicit file (`-c`): it must exist; no search happens. */
  configPath?: string;
  /** Where the user-level config is looked for (`XDG_CONFIG_HOME`, `HOME`); none is read without it. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The user's own choice of isolation for `local` (the `--isolation` flag): it overrides every file. */
  isolation?: IsolationMode;
}

/** What {@link inspectConfig} found: the config as far as it is valid, and every error. */
export interface ConfigInspection extends LoadedConfig {
  errors: ConfigIssue[];
}

/**
 * Finds, reads and validates `agentkernel.toml`: the explicit `configPath`, else the nearest
 * `agentkernel.toml` from `cwd` up to the project root (never above it), plus the user-level config.
 * Without a file the defaults apply. Throws `ConfigError` listing every error (file, line, key);
 * warnings are returned.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const { errors, ...loaded } = await inspectConfig(options);
  if (errors.length > 0) throw new ConfigError(errors);
  return loaded;
}

/**
 * Like {@link loadConfig}, but never throws for what the files say: errors are returned beside the
 * warnings (for `config validate`), and invalid values are replaced by their defaults.
 */
export async function inspectConfig(options: LoadConfigOptions): Promise<ConfigInspection> {
  const cwd = resolve(options.cwd);
  const projectRoot = await findProjectRoot(cwd);
  const file =
    options.configPath === undefined
      ? await searchConfig(cwd, projectRoot)
      : resolve(cwd, options.configPath);
  const user = await readUserConfig(options.env);
  const inspection: ConfigInspection = {
    projectRoot,
    config: defaultConfig(),
    warnings: [...user.warnings],
    errors: [...user.errors],
    keyLines: {},
  };
  if (file !== undefined) {
    inspection.file = file;
    const read = await readConfigFile(file, 'config file not found');
    if ('issue' in read) inspection.errors.push(read.issue);
    else {
      const parsed = parseConfig(read.text, file);
      registerInlineSecrets(parsed.config);
      inspection.config = parsed.config;
      inspection.warnings.push(...parsed.warnings);
      inspection.errors.push(...parsed.errors);
      inspection.keyLines = parsed.keyLines;
    }
  }
  inspection.config.local = mergeLocal(inspection.config.local, user.local, options.isolation);
  if (user.file !== undefined) inspection.userFile = user.file;
  if (inspection.config.local.isolation === 'none')
    inspection.isolationChosenBy = options.isolation === 'none' ? '--isolation none' : user.file;
  return inspection;
}

/** The nearest folder at or above `cwd` holding a `package.json` or `.git`; `cwd` itself when none does. */
export async function findProjectRoot(cwd: string): Promise<string> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if ((await exists(join(dir, 'package.json'))) || (await exists(join(dir, '.git')))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

/** Whether anything at all is at `path`: a dangling link or a FIFO counts, so it is reported, not skipped. */
async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The nearest `agentkernel.toml` from `cwd` up to `projectRoot`, whatever kind of file it is. */
async function searchConfig(cwd: string, projectRoot: string): Promise<string | undefined> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (await exists(candidate)) return candidate;
    if (dir === projectRoot || dirname(dir) === dir) return undefined;
  }
}

/** `$XDG_CONFIG_HOME/agentkernel/config.toml`, else `~/.config/agentkernel/config.toml`. */
export function userConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'agentkernel', 'config.toml');
}

interface UserConfig {
  file?: string;
  local: Partial<AgentkernelConfig['local']>;
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
}

/**
 * The user-level config holds what only the user may choose, never a project: today the `[local]`
 * table (`isolation = "none"` above all). Other tables there are warned about and ignored.
 */
async function readUserConfig(env: LoadConfigOptions['env']): Promise<UserConfig> {
  const none: UserConfig = { local: {}, warnings: [], errors: [] };
  if (env === undefined) return none;
  const file = userConfigPath(env);
  if (!(await exists(file))) return none;
  const read = await readConfigFile(file, 'config file not found');
  if ('issue' in read) return { ...none, file, errors: [read.issue] };
  const parsed = parseConfig(read.text, file, { origin: 'user' });
  const local = parsed.keyLines.local === undefined ? {} : parsed.config.local;
  return { file, local, warnings: parsed.warnings, errors: parsed.errors };
}

function mergeLocal(
  project: AgentkernelConfig['local'],
  user: Partial<AgentkernelConfig['local']>,
  flag: IsolationMode | undefined,
): AgentkernelConfig['local'] {
  const merged = { ...user, ...project };
  // A project may only ask for isolation, never waive it: the user's own choice stands unless the
  // flag, the strongest word, says otherwise.
  merged.isolation = flag ?? user.isolation ?? project.isolation;
  return merged;
}

// Registered as soon as the file is read, so even a `--json` dump of the config masks them.
function registerInlineSecrets(config: AgentkernelConfig): void {
  for (const table of Object.values(config.remote.providers)) {
    for (const key of SECRET_PROVIDER_KEYS) {
      const value = table[key];
      if (typeof value === 'string') registerSecret(value);
    }
  }
}
