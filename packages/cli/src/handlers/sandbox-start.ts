import type { Handler } from '../commands/types.js';
import { startSandbox } from '../runtime/lifecycle.js';
import { withRuntime } from '../runtime/runtime.js';

const start: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const name = await rt.sandboxName(args.name, 'sandbox start');
    const status = await startSandbox(rt, name);
    if (rt.out.json) return rt.out.printJson({ name, status: 'running' });
    rt.out.info(`${name}: ${status}`);
  });

export default start;
