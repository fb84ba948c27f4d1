import type { Handler } from '../commands/types.js';
import { withRuntime } from '../runtime/runtime.js';

const start: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const name = await rt.sandboxName(args.name, 'sandbox start');
    const status = await rt.state().withSandboxLock(name, async () => {
      const { handle } = await rt.connect(name);
      if ((await handle.status()) === 'running') return 'already running';
      await handle.start();
      return 'started';
    });
    if (rt.out.json) return rt.out.printJson({ name, status: 'running' });
    rt.out.info(`${name}: ${status}`);
  });

export default start;
