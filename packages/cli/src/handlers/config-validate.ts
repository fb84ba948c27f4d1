import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  formatConfigIssue,
  inspectConfig,
  validateProviderTable,
  type ConfigIssue,
  type LoadedConfig,
  type LoadedPlugin,
} from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { withRuntime, type Runtime } from '../runtime/runtime.js';

interface Issues {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

function issueAt(loaded: LoadedConfig, key: string, message: string, suffix = ''): ConfigIssue {
  const line = loaded.keyLines[key];
  return {
    file: loaded.file ?? 'agentkernel.toml',
    ...(line === undefined ? {} : { line }),
    key: key + suffix,
    message,
  };
}

/**
 * `[plugins] paths` entries that cannot be used are errors here (elsewhere discovery only warns, so one
 * broken plugin never stops a command). The usable ones are returned for discovery.
 */
async function checkPluginPaths(loaded: LoadedConfig, issues: Issues): Promise<string[]> {
  const usable: string[] = [];
  for (const [index, path] of loaded.config.plugins.paths.entries()) {
    const problem = await stat(path).then(
      (info) =>
        info.isDirectory() || ['.js', '.mjs', '.cjs'].includes(extname(path))
          ? undefined
          : 'is neither a folder nor a .js, .mjs or .cjs file',
      (error: unknown) =>
        (error as { code?: string }).code === 'ENOENT'
          ? 'does not exist'
          : `cannot be read (${String(error)})`,
    );
    if (problem === undefined) usable.push(path);
    else issues.errors.push(issueAt(loaded, 'plugins.paths', `${path} ${problem}`, `[${index}]`));
  }
  return usable;
}

/** Each installed plugin checks its own table; a table no installed plugin reads is a warning. */
function checkProviderTables(
  rt: Runtime,
  loaded: LoadedConfig,
  plugins: LoadedPlugin[],
  issues: Issues,
): void {
  for (const { plugin } of plugins) {
    const result = validateProviderTable(plugin, loaded, rt.io.env);
    issues.errors.push(...result.errors);
    issues.warnings.push(...result.warnings);
  }
  const names = plugins.map(({ plugin }) => plugin.name);
  for (const provider of Object.keys(loaded.config.remote.providers)) {
    if (!names.includes(provider))
      issues.warnings.push(
        issueAt(loaded, `remote.${provider}`, 'no installed backend plugin reads this table'),
      );
  }
  const backend = loaded.config.sandbox.backend;
  if (backend !== undefined && !names.includes(backend)) {
    issues.errors.push(
      issueAt(
        loaded,
        'sandbox.backend',
        `no installed backend is named "${backend}"; installed: ${names.join(', ')}`,
      ),
    );
  }
}

const validate: Handler = (args, io) =>
  withRuntime(
    args,
    io,
    async (rt) => {
      const { errors, ...loaded } = await inspectConfig(rt.configOptions());
      const issues: Issues = { errors, warnings: [...loaded.warnings] };
      // Discovery reads only the usable paths, so it does not warn again about the ones reported here.
      const paths = await checkPluginPaths(loaded, issues);
      rt.adoptConfig({ ...loaded, config: { ...loaded.config, plugins: { paths } } });
      const { loaded: plugins, warnings: pluginWarnings } = await rt.loadAllPlugins();
      for (const warning of pluginWarnings) rt.out.warn(warning);
      checkProviderTables(rt, loaded, plugins, issues);

      const file = loaded.file ?? null;
      const valid = issues.errors.length === 0;
      if (rt.out.json) {
        rt.out.printJson({ file, valid, errors: issues.errors, warnings: issues.warnings });
      } else {
        for (const issue of issues.errors) rt.out.error(formatConfigIssue(issue));
        for (const issue of issues.warnings) rt.out.warn(formatConfigIssue(issue));
        if (file === null)
          rt.out.line('no agentkernel.toml found from here up to the project root: defaults apply');
        else {
          const count = issues.errors.length;
          rt.out.line(`${file}: ${valid ? 'valid' : `invalid (${count} error${count === 1 ? '' : 's'})`}`);
        }
      }
      return valid ? 0 : 2;
    },
    { loadConfig: false },
  );

export default validate;
