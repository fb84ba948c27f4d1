import type { Handler } from '../commands/types.js';
import { ProgressBar } from '../output/progress.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { restoreSnapshot } from '../runtime/restore.js';
import { withRuntime } from '../runtime/runtime.js';

const restore: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const bar = new ProgressBar(rt.io.stderr, !rt.args.quiet && !rt.args.json);
    const { connected, manifest, method } = await withInterrupt((signal) =>
      restoreSnapshot(rt, {
        snapshot: args.snapshot as string,
        ...(args.as === undefined ? {} : { as: args.as as string }),
        ...(args.backend === undefined ? {} : { backend: args.backend }),
        onProgress: (progress) => bar.update(progress.phase, progress.bytesDone, progress.bytesTotal),
        signal,
      }),
    ).finally(() => bar.done());
    const { name, backend } = connected.record;
    const status = await connected.handle.status();
    if (rt.out.json) return rt.out.printJson({ name, backend, snapshot: manifest.name, method, status });
    rt.out.info(`restored snapshot ${manifest.name} as ${name} on ${backend} (${method}, ${status})`);
  });

export default restore;
