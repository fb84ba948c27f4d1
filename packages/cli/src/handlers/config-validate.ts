import {
  AgentkernelError,
  type ConfigError,
  formatConfigIssue,
  loadConfig,
  validateProviderTable,
  type ConfigIssue,
  type LoadedConfig,
} from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { withRuntime, type Runtime } from '../runtime/runtime.js';

async function load(rt: Runtime): Promise<{ loaded?: LoadedConfig; errors: ConfigIssue[] }> {
  try {
    return { loaded: await loadConfig({ cwd: rt.io.cwd, configPath: rt.args.config }), errors: [] };
  } catch (error) {
    // By code, not instanceof: the error may come from another copy of core (a plugin's).
    if (AgentkernelError.isInstance(error) && error.code === 'CONFIG_INVALID')
      return { errors: [...(error as ConfigError).issues] };
    throw error;
  }
}

/** Each installed plugin checks its own table; a table no installed plugin reads is a warning. */
async function providerIssues(
  rt: Runtime,
  loaded: LoadedConfig,
): Promise<{ errors: ConfigIssue[]; warnings: ConfigIssue[] }> {
  const { loaded: plugins, warnings: pluginWarnings } = await rt.loadAllPlugins();
  for (const warning of pluginWarnings) rt.out.warn(warning);
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  for (const { plugin } of plugins) {
    const result = validateProviderTable(plugin, loaded);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
  }
  const file = loaded.file ?? 'agentkernel.toml';
  for (const provider of Object.keys(loaded.config.remote.providers)) {
    if (plugins.some(({ plugin }) => plugin.name === provider)) continue;
    const line = loaded.keyLines[`remote.${provider}`];
    warnings.push({
      file,
      ...(line === undefined ? {} : { line }),
      key: `remote.${provider}`,
      message: `no installed backend plugin reads this table`,
    });
  }
  return { errors, warnings };
}

const validate: Handler = (args, io) =>
  withRuntime(
    args,
    io,
    async (rt) => {
      const { loaded, errors } = await load(rt);
      const warnings = [...(loaded?.warnings ?? [])];
      if (loaded) {
        const provider = await providerIssues(rt, loaded);
        errors.push(...provider.errors);
        warnings.push(...provider.warnings);
      }
      const file = loaded ? (loaded.file ?? null) : (errors[0]?.file ?? null);
      const valid = errors.length === 0;
      if (rt.out.json) {
        rt.out.printJson({ file, valid, errors, warnings });
      } else {
        for (const issue of errors) rt.out.error(formatConfigIssue(issue));
        for (const issue of warnings) rt.out.warn(formatConfigIssue(issue));
        if (file === null)
          rt.out.line('no agentkernel.toml found from here up to the project root: defaults apply');
        else
          rt.out.line(
            `${file}: ${valid ? 'valid' : `invalid (${errors.length} error${errors.length === 1 ? '' : 's'})`}`,
          );
      }
      return valid ? 0 : 2;
    },
    { loadConfig: false },
  );

export default validate;
