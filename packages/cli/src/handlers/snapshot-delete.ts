import type { Handler } from '../commands/types.js';
import { withRuntime } from '../runtime/runtime.js';
import { deleteSandboxSnapshot } from '../runtime/snapshots.js';

const remove: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const name = args.snapshot as string;
    const { nativeDeleted } = await deleteSandboxSnapshot(rt, name);
    if (rt.out.json) return rt.out.printJson({ name, deleted: true, nativeDeleted });
    rt.out.info(`deleted snapshot ${name}${nativeDeleted ? ' and its native copy' : ''}`);
  });

export default remove;
