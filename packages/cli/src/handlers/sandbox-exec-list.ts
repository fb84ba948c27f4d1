import type { Handler } from '../commands/types.js';
import { listDetachedCommands } from '../runtime/detached.js';
import { withRuntime } from '../runtime/runtime.js';
import { formatInstant } from '../runtime/view.js';

const execList: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const name = args.name as string;
    const views = await listDetachedCommands(rt, name);
    if (rt.out.json) return rt.out.printJson(views);
    if (views.length === 0)
      return rt.out.info(
        `no detached commands in ${name}; start one with: agentkernel exec -d ${name} -- CMD`,
      );
    rt.out.table(views, [
      { header: 'ID', value: (v) => v.id },
      { header: 'STATUS', value: (v) => v.status },
      { header: 'EXIT', value: (v) => (v.exitCode === null ? '-' : String(v.exitCode)) },
      { header: 'STARTED', value: (v) => formatInstant(v.startedAt) },
      { header: 'COMMAND', value: (v) => v.command.join(' ') },
    ]);
  });

export default execList;
