import { CAPABILITY_DESCRIPTIONS, CAPABILITY_NAMES, credentialSpecs, findCandidate } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { pluginView } from '../runtime/plugin-view.js';
import { withRuntime } from '../runtime/runtime.js';

const info: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const discovery = await rt.discovery();
    const candidate = findCandidate(discovery, args.name as string);
    // Describing capabilities and credentials needs the plugin object: this imports the plugin module
    // (never its vendor SDK, which plugins import only when opened).
    const { plugin } = await rt.plugin(args.name as string);
    const view = {
      ...pluginView(candidate, discovery),
      status: plugin.status ?? 'ready',
      description: plugin.description ?? candidate.description ?? null,
      capabilities: plugin.capabilities,
      credentials: credentialSpecs(plugin),
      configSchema: plugin.configSchema,
      configTable: plugin.name === 'local' ? '[local]' : `[remote.${plugin.name}]`,
    };
    if (rt.out.json) return rt.out.printJson(view);
    rt.out.pairs([
      ['name', view.name],
      ['package', `${view.package} ${view.version}`],
      ['status', view.status],
      ['description', view.description ?? '-'],
      ['specification', plugin.specificationVersion],
      ['found in', `${view.dir} (${view.origin})`],
      ['config table', view.configTable],
    ]);
    rt.out.line('\ncapabilities:');
    for (const name of CAPABILITY_NAMES) {
      rt.out.line(`  ${plugin.capabilities[name] ? 'yes' : 'no '}  ${CAPABILITY_DESCRIPTIONS[name]}`);
    }
    rt.out.line('\ncredentials:');
    if (view.credentials.length === 0) rt.out.line('  none');
    for (const spec of view.credentials) {
      const env = spec.env.length > 0 ? ` (env ${spec.env.join(' or ')})` : '';
      rt.out.line(
        `  ${spec.key}${env}, ${spec.required ? 'required' : 'optional'}${spec.secret ? ', secret' : ''}: ${spec.description}`,
      );
    }
    const keys = Object.entries(plugin.configSchema);
    rt.out.line(`\nconfig keys in ${view.configTable}:`);
    if (keys.length === 0) rt.out.line('  only the keys every provider accepts');
    for (const [key, spec] of keys) {
      const notes = [
        spec.choices === undefined ? undefined : `one of ${spec.choices.join(', ')}`,
        spec.min === undefined ? undefined : `at least ${spec.min}`,
        spec.default === undefined ? undefined : `default ${JSON.stringify(spec.default)}`,
        spec.env === undefined ? undefined : `env ${spec.env.join(' or ')}`,
      ].filter((note) => note !== undefined);
      const detail = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
      rt.out.line(`  ${key}: ${spec.type}${detail}, ${spec.description}`);
    }
  });

export default info;
