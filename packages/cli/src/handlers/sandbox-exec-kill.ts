import type { Handler } from '../commands/types.js';
import { killDetachedCommand } from '../runtime/detached.js';
import { withRuntime } from '../runtime/runtime.js';

const execKill: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const { killed, view } = await killDetachedCommand(rt, args.name as string, args.id as string);
    if (rt.out.json) return rt.out.printJson({ ...view, killedNow: killed });
    if (killed) rt.out.info(`killed ${view.id} in ${view.sandbox}`);
    else
      rt.out.info(
        `${view.id} had already ended (${view.status}${view.exitCode === null ? '' : `, exit code ${view.exitCode}`})`,
      );
  });

export default execKill;
