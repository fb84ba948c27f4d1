import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SUPPORTED_SPECIFICATION_VERSIONS, type BackendPlugin } from '../contract/backend.js';
import { pluginFromModule } from '../contract/plugin-check.js';
import {
  AgentkernelError,
  ExitCode,
  messageOf,
  UnsupportedSpecificationError,
  type AgentkernelErrorOptions,
} from '../errors/errors.js';
import { DEFAULT_CONDITIONS, resolveEntry } from './entry.js';
import { readPackageJson } from './package-json.js';
import type { PluginCandidate } from './types.js';

/** A discovered plugin could not be imported or does not match what its package says. Exit code 3. */
export class PluginLoadError extends AgentkernelError {
  constructor(message: string, options?: AgentkernelErrorOptions) {
    super('PLUGIN_LOAD_FAILED', message, ExitCode.backend, options);
  }
}

export interface LoadOptions {
  /**
   * Export conditions for choosing the plugin's entry point; `node` and `import` by default (`default`
   * always applies). Test runners that execute TypeScript sources add their own condition here.
   */
  conditions?: readonly string[];
}

/**
 * Imports a candidate's module and returns its checked plugin object. Throws `PluginLoadError` when
 * the module cannot be found or imported or names a different backend, `UnsupportedSpecificationError`
 * for a contract version this core does not know, and `InvalidPluginError` for a malformed object.
 */
export async function loadPlugin(
  candidate: PluginCandidate,
  options: LoadOptions = {},
): Promise<BackendPlugin> {
  const source = candidate.packageName;
  const declared = candidate.specificationVersion;
  if (declared !== undefined && !SUPPORTED_SPECIFICATION_VERSIONS.includes(declared)) {
    throw new UnsupportedSpecificationError(source, declared, SUPPORTED_SPECIFICATION_VERSIONS);
  }
  if (candidate.problem !== undefined) throw new PluginLoadError(candidate.problem);
  const file = candidate.file ?? (await packageEntry(candidate, options.conditions ?? DEFAULT_CONDITIONS));
  let module: unknown;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new PluginLoadError(`${source}: importing ${file} failed: ${messageOf(error)}`, { cause: error });
  }
  const plugin = pluginFromModule(module, source);
  if (plugin.name !== candidate.name) {
    throw new PluginLoadError(
      `${source} (${file}) exports backend "${plugin.name}", but was discovered as "${candidate.name}"`,
      {
        hint: candidate.file
          ? `name the file ${plugin.name}.js`
          : `set "agentkernel": { "backend": "${plugin.name}" } in its package.json`,
      },
    );
  }
  return plugin;
}

async function packageEntry(candidate: PluginCandidate, conditions: readonly string[]): Promise<string> {
  const read = await readPackageJson(join(candidate.dir, 'package.json'));
  if (!read.ok) throw new PluginLoadError(`${candidate.packageName} cannot be used: ${read.problem}`);
  const entry = await resolveEntry(candidate.dir, read.json, conditions);
  if ('problem' in entry) {
    throw new PluginLoadError(
      `${candidate.packageName} (${candidate.dir}) cannot be loaded: ${entry.problem}`,
    );
  }
  return entry.file;
}
