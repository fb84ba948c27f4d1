import { stat, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { ConfigError } from '../errors/errors.js';
import { registerSecret } from '../errors/redactor.js';
import { parseConfig } from './parse.js';
import { SECRET_PROVIDER_KEYS } from './schema.js';
import type { AgentkernelConfig, LoadedConfig } from './types.js';
import { defaultConfig } from './types.js';

export const CONFIG_FILE_NAME = 'agentkernel.toml';

export interface LoadConfigOptions {
  /** Where the search starts, and what relative `configPath`s are resolved against. */
  cwd: string;
  /** An explicit file (`-c`): it must exist; no search happens. */
  configPath?: string;
}

/**
 * Finds, reads and validates `agentkernel.toml`: the explicit `configPath`, else the nearest
 * `agentkernel.toml` from `cwd` up to the project root (never above it). Without a file the defaults
 * apply. Throws `ConfigError` listing every error (file, line, key); warnings are returned.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd);
  const projectRoot = await findProjectRoot(cwd);
  const found =
    options.configPath === undefined
      ? await searchConfig(cwd, projectRoot)
      : {
          file: resolve(cwd, options.configPath),
          text: await readExplicit(resolve(cwd, options.configPath)),
        };
  if (found === undefined) return { projectRoot, config: defaultConfig(), warnings: [], keyLines: {} };

  const parsed = parseConfig(found.text, found.file);
  registerInlineSecrets(parsed.config);
  if (parsed.errors.length > 0) throw new ConfigError(parsed.errors);
  return {
    file: found.file,
    projectRoot,
    config: parsed.config,
    warnings: parsed.warnings,
    keyLines: parsed.keyLines,
  };
}

/** The nearest folder at or above `cwd` holding a `package.json` or `.git`; `cwd` itself when none does. */
export async function findProjectRoot(cwd: string): Promise<string> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if ((await exists(join(dir, 'package.json'))) || (await exists(join(dir, '.git')))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readExplicit(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const problem =
      code === 'ENOENT'
        ? 'config file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a config file'
          : `cannot read the config file (${code ?? String(error)})`;
    throw new ConfigError([{ file, message: problem }], { cause: error });
  }
}

/** Whether an `agentkernel.toml` exists from `cwd` up to `projectRoot`: a few stats. */
async function anyConfigUpTo(cwd: string, projectRoot: string): Promise<boolean> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (await exists(join(dir, CONFIG_FILE_NAME))) return true;
    if (dir === projectRoot || dirname(dir) === dir) return false;
  }
}

async function searchConfig(
  cwd: string,
  projectRoot: string,
): Promise<{ file: string; text: string } | undefined> {
  // Importing cosmiconfig costs 30-60 ms, a third of a cold command; most projects have no file to find.
  if (!(await anyConfigUpTo(cwd, projectRoot))) return undefined;
  const { cosmiconfig, globalConfigSearchPlaces } = await import('cosmiconfig');
  // The 'global' strategy is the one that walks up to `stopDir`; it then also looks in the user's global
  // config folder (~/.config/agentkernel/config*), which must play no part: those files are never parsed
  // (the loader below ignores them) and a result found there is discarded.
  const ignore = (): undefined => undefined;
  const loaders = Object.fromEntries(
    globalConfigSearchPlaces.map((place) => [extname(place) || 'noExt', ignore]),
  );
  const explorer = cosmiconfig('agentkernel', {
    searchStrategy: 'global',
    stopDir: projectRoot,
    searchPlaces: [CONFIG_FILE_NAME],
    loaders: { ...loaders, '.toml': (_file: string, text: string) => ({ text }) },
    // An empty agentkernel.toml still wins over one further up: it means "defaults".
    ignoreEmptySearchPlaces: false,
    cache: false,
  });
  let result: Awaited<ReturnType<typeof explorer.search>>;
  try {
    result = await explorer.search(cwd);
  } catch (error) {
    const file = (error as { filepath?: string }).filepath ?? cwd;
    throw new ConfigError([{ file, message: `cannot search for ${CONFIG_FILE_NAME}: ${String(error)}` }], {
      cause: error,
    });
  }
  if (!result || basename(result.filepath) !== CONFIG_FILE_NAME || !isInside(result.filepath, projectRoot))
    return undefined;
  const loaded = result.config as { text?: string } | undefined;
  return { file: result.filepath, text: loaded?.text ?? '' };
}

function isInside(file: string, dir: string): boolean {
  return file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
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
