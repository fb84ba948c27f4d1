import type { Handler } from '../commands/types.js';
import { withRuntime } from '../runtime/runtime.js';
import { parseLabels, matchesLabels } from '../runtime/labels.js';
import { describeLabels, describePorts, formatInstant, viewOfRecord } from '../runtime/view.js';

const list: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const wanted = parseLabels((args.label as string[] | undefined) ?? [], '=', '--label');
    const { records, problems } = await rt.state().listSandboxes();
    for (const problem of problems) rt.out.warn(problem);
    const chosen = records.filter((record) => matchesLabels(record.labels, wanted));
    const views = await Promise.all(chosen.map((record) => viewOfRecord(rt, record, { endpoints: true })));
    if (rt.out.json) return rt.out.printJson(views);
    if (views.length === 0)
      return rt.out.info(
        records.length > 0
          ? 'no sandbox has those labels'
          : 'no sandboxes yet; create one with: agentkernel sandbox create NAME',
      );
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
      { header: 'CREATED', value: (v) => formatInstant(v.createdAt) },
      {
        header: 'EXPIRES',
        value: (v) =>
          v.expiresAt === null ? '-' : `${formatInstant(v.expiresAt)}${v.expired ? c.red(' (expired)') : ''}`,
      },
      { header: 'LABELS', value: (v) => describeLabels(v.labels) || '-' },
      { header: 'PORTS', value: (v) => describePorts(v) },
      {
        header: 'WORKSPACE',
        value: (v) => (v.mountCwd && v.projectDir ? `${v.projectDir} (synced)` : v.workspaceDir),
      },
    ]);
    for (const view of views) if (view.problem) rt.out.warn(`${view.name}: ${view.problem}`);
  });

export default list;
