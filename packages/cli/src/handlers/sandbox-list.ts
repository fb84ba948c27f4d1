import type { Handler } from '../commands/types.js';
import { withRuntime } from '../runtime/runtime.js';
import { viewOfRecord } from '../runtime/view.js';

const list: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const { records, problems } = await rt.state().listSandboxes();
    for (const problem of problems) rt.out.warn(problem);
    const views = await Promise.all(records.map((record) => viewOfRecord(rt, record)));
    if (rt.out.json) return rt.out.printJson(views);
    if (views.length === 0)
      return rt.out.info('no sandboxes yet; create one with: agentkernel sandbox create NAME');
    const c = rt.out.colors;
    const tint = {
      running: c.green,
      stopped: c.yellow,
      starting: c.cyan,
      gone: c.red,
      unknown: c.dim,
    } as const;
    rt.out.table(views, [
      { header: 'NAME', value: (v) => v.name },
      { header: 'BACKEND', value: (v) => v.backend },
      { header: 'STATUS', value: (v) => tint[v.status](v.status) },
      { header: 'CREATED', value: (v) => v.createdAt.replace('T', ' ').slice(0, 19) },
      {
        header: 'WORKSPACE',
        value: (v) => (v.mountCwd && v.projectDir ? `${v.projectDir} (synced)` : v.workspaceDir),
      },
    ]);
    for (const view of views) if (view.problem) rt.out.warn(`${view.name}: ${view.problem}`);
  });

export default list;
