import type { Handler } from '../commands/types.js';
import { stopSandbox } from '../runtime/lifecycle.js';
import { withRuntime } from '../runtime/runtime.js';

const stop: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const name = await rt.sandboxName(args.name, 'sandbox stop');
    const { filesKept: kept } = await stopSandbox(rt, name);
    if (rt.out.json) return rt.out.printJson({ name, status: 'stopped', filesKept: kept });
    rt.out.info(
      kept
        ? `${name}: stopped (files kept; agentkernel sandbox start ${name} resumes it)`
        : `${name}: stopped`,
    );
  });

export default stop;
