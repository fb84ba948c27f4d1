import { AgentkernelError, ExitCode, UnsupportedSpecificationError } from '../errors/errors.js';
import type { BackendPlugin } from './backend.js';
import { SUPPORTED_SPECIFICATION_VERSIONS } from './backend.js';
import { CAPABILITY_NAMES, LATER_CAPABILITY_NAMES } from './capabilities.js';
import { BACKEND_NAME_PATTERN } from '../config/schema.js';

/** A module did not export a usable plugin object. */
export class InvalidPluginError extends AgentkernelError {
  constructor(source: string, problem: string) {
    super(
      'PLUGIN_INVALID',
      `${source} is not a valid agentkernel backend plugin: ${problem}`,
      ExitCode.backend,
    );
  }
}

/**
 * Checks that `value` is a {@link BackendPlugin} of a supported contract version, reporting the first
 * problem by name. `source` names where it came from (a package name or a path) for the message.
 */
export function assertBackendPlugin(value: unknown, source: string): asserts value is BackendPlugin {
  if (typeof value !== 'object' || value === null)
    throw new InvalidPluginError(source, 'no plugin object exported');
  const plugin = value as Partial<Record<keyof BackendPlugin, unknown>>;
  const name = typeof plugin.name === 'string' ? plugin.name : source;
  if (!SUPPORTED_SPECIFICATION_VERSIONS.includes(plugin.specificationVersion as string)) {
    throw new UnsupportedSpecificationError(
      name,
      plugin.specificationVersion,
      SUPPORTED_SPECIFICATION_VERSIONS,
    );
  }
  if (typeof plugin.name !== 'string' || !BACKEND_NAME_PATTERN.test(plugin.name)) {
    throw new InvalidPluginError(source, 'name must be lower-case letters, digits and dashes');
  }
  if (typeof plugin.version !== 'string') throw new InvalidPluginError(source, 'version must be a string');
  if (typeof plugin.open !== 'function') throw new InvalidPluginError(source, 'open must be a function');
  if (!Array.isArray(plugin.credentials))
    throw new InvalidPluginError(source, 'credentials must be an array');
  if (typeof plugin.configSchema !== 'object' || plugin.configSchema === null) {
    throw new InvalidPluginError(source, 'configSchema must be an object');
  }
  const capabilities = plugin.capabilities as Record<string, unknown> | undefined;
  for (const capability of CAPABILITY_NAMES) {
    const flag = capabilities?.[capability];
    if (flag === undefined && LATER_CAPABILITY_NAMES.includes(capability)) continue;
    if (typeof flag !== 'boolean') {
      throw new InvalidPluginError(source, `capabilities.${capability} must be true or false`);
    }
  }
}

/** Picks the plugin object out of an imported module: its `plugin` export, else its default export. */
export function pluginFromModule(module: unknown, source: string): BackendPlugin {
  const record = (module ?? {}) as { default?: unknown; plugin?: unknown };
  const candidate = record.plugin ?? record.default;
  assertBackendPlugin(candidate, source);
  return candidate;
}
