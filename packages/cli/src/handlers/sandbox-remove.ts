import { AgentkernelError, SandboxNotFoundError, StateCorruptError } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { destroySandbox } from '../runtime/lifecycle.js';
import { withRuntime } from '../runtime/runtime.js';

const remove: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const name = await rt.sandboxName(args.name, 'sandbox remove');
    const force = args.force === true;
    const state = rt.state();
    const removed = await state.withSandboxLock(name, async () => {
      if (force) {
        const record = await state.readSandbox(name).catch((error: unknown) => {
          if (!StateCorruptError.isInstance(error)) throw error;
          // A record that cannot be read cannot say where the sandbox lives: forget it, and say so.
          rt.out.warn(
            `${error.detail}; removing it. If sandbox ${name} still exists at its provider, remove it there`,
          );
          return 'corrupt' as const;
        });
        if (record === 'corrupt') {
          await state.removeSandbox(name);
          await rt.audit({ type: 'sandbox_removed', name });
          return true;
        }
        if (!record) return false;
      }
      try {
        await destroySandbox(rt, await rt.connect(name, { expired: 'allow' }));
      } catch (error) {
        // --force exists for a provider that is unreachable or a plugin that is gone: forget the record.
        if (!force || !AgentkernelError.isInstance(error) || SandboxNotFoundError.isInstance(error))
          throw error;
        rt.out.warn(`could not destroy ${name} at its provider (${error.detail}); forgetting it anyway`);
        await state.removeSandbox(name);
        await rt.audit({ type: 'sandbox_removed', name });
      }
      return true;
    });
    if (rt.out.json) return rt.out.printJson({ name, removed });
    rt.out.info(removed ? `removed sandbox ${name}` : `no sandbox named ${name}; nothing to remove`);
  });

export default remove;
