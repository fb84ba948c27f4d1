import { AgentkernelError, optionalMethod } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { withRuntime } from '../runtime/runtime.js';
import { snapshotStore } from '../runtime/snapshots.js';

const remove: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const name = args.snapshot as string;
    const store = snapshotStore(rt);
    const manifest = await store.read(name);
    let nativeDeleted = false;
    if (manifest.native) {
      // The portable copy goes regardless: a provider that cannot be reached must not pin it forever.
      try {
        const backend = await rt.backend(manifest.native.backend);
        await optionalMethod(
          backend.plugin.name,
          backend,
          'deleteSnapshot',
          'nativeSnapshots',
        )(manifest.native);
        nativeDeleted = true;
      } catch (error) {
        const reason = AgentkernelError.isInstance(error) ? error.detail : String(error);
        rt.out.warn(
          `could not delete the native ${manifest.native.backend} snapshot ${manifest.native.id}: ${reason}`,
        );
      }
    }
    await store.delete(name);
    if (rt.out.json) return rt.out.printJson({ name, deleted: true, nativeDeleted });
    rt.out.info(`deleted snapshot ${name}${nativeDeleted ? ' and its native copy' : ''}`);
  });

export default remove;
