import type { Handler } from '../commands/types.js';
import { pluginView } from '../runtime/plugin-view.js';
import { withRuntime } from '../runtime/runtime.js';

const list: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const discovery = await rt.discovery();
    for (const warning of discovery.warnings) rt.out.warn(warning);
    const views = discovery.plugins.map((candidate) => pluginView(candidate, discovery));
    if (rt.out.json) return rt.out.printJson(views);
    if (views.length === 0) {
      rt.out.info(
        'no backend plugins found; the local backend ships with the CLI, so this install looks broken',
      );
      return;
    }
    const c = rt.out.colors;
    const statusColor = { ready: c.green, stub: c.yellow, unknown: c.dim, broken: c.red } as const;
    rt.out.table(views, [
      { header: 'NAME', value: (v) => v.name },
      { header: 'PACKAGE', value: (v) => v.package },
      { header: 'VERSION', value: (v) => v.version },
      { header: 'STATUS', value: (v) => statusColor[v.status](v.status) },
      { header: 'SPECIFICATION', value: (v) => v.specificationVersion ?? '-' },
      { header: 'FROM', value: (v) => v.origin },
    ]);
  });

export default list;
