import { credentialSpecs, type AgentkernelConfig } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { credentialStates, describeCredential, type CredentialState } from '../runtime/credentials.js';
import { withRuntime } from '../runtime/runtime.js';

// Secret keys are shown as where their value comes from, never as the value: the redactor would mask a
// registered value anyway, but an unregistered one (a plugin that failed to load) must not leak either.
function maskSecrets(config: AgentkernelConfig, secretKeys: ReadonlySet<string>): AgentkernelConfig {
  const providers = Object.fromEntries(
    Object.entries(config.remote.providers).map(([name, table]) => [
      name,
      Object.fromEntries(
        Object.entries(table).map(([key, value]) => [
          key,
          secretKeys.has(key) ? '(inline secret, hidden)' : value,
        ]),
      ),
    ]),
  );
  return { ...config, remote: { ...config.remote, providers } };
}

function flatten(value: unknown, prefix: string, out: [string, string][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix) out.push([prefix, '{}']);
    for (const [key, item] of entries) flatten(item, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.push([prefix, JSON.stringify(value)]);
  }
}

const show: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const loaded = await rt.config();
    const { loaded: plugins, warnings } = await rt.loadAllPlugins();
    for (const warning of warnings) rt.out.warn(warning);
    const secretKeys = new Set(['api_key', 'token_id', 'token_secret']);
    for (const { plugin } of plugins)
      for (const spec of credentialSpecs(plugin)) if (spec.secret) secretKeys.add(spec.key);
    const credentials: CredentialState[] = plugins.flatMap(({ plugin }) =>
      credentialStates(plugin, loaded, io.env),
    );
    const backend = await rt.defaultBackend();
    const config = maskSecrets(loaded.config, secretKeys);
    if (rt.out.json) {
      return rt.out.printJson({
        file: loaded.file ?? null,
        projectRoot: loaded.projectRoot,
        defaultBackend: backend,
        config,
        credentials,
      });
    }
    rt.out.pairs([
      ['config file', loaded.file ?? 'none found (defaults apply)'],
      ['project root', loaded.projectRoot],
      ['default backend', backend],
    ]);
    const lines: [string, string][] = [];
    flatten(config, '', lines);
    rt.out.line('');
    for (const [key, value] of lines) rt.out.line(`${key} = ${value}`);
    if (credentials.length > 0) rt.out.line('\ncredentials:');
    for (const state of credentials)
      rt.out.line(`  ${state.backend}.${state.key}: ${describeCredential(state)}`);
  });

export default show;
