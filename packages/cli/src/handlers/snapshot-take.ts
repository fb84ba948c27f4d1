import type { Handler } from '../commands/types.js';
import { formatBytes, ProgressBar } from '../output/progress.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { withRuntime } from '../runtime/runtime.js';
import { snapshotView, takeSandboxSnapshot } from '../runtime/snapshots.js';

const take: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const sandbox = await rt.sandboxName(args.sandbox, 'snapshot take');
    const bar = new ProgressBar(io.stderr, !args.quiet && !args.json);
    const manifest = await withInterrupt((signal) =>
      takeSandboxSnapshot(rt, {
        sandbox,
        ...(args.name === undefined ? {} : { name: args.name as string }),
        onProgress: (progress) => bar.update(progress.phase, progress.bytesDone, progress.bytesTotal),
        signal,
      }),
    ).finally(() => bar.done());
    if (rt.out.json) return rt.out.printJson(snapshotView(manifest));
    const { workspace } = manifest;
    const native = manifest.native ? ` and a native ${manifest.native.backend} snapshot` : '';
    rt.out.info(
      `took snapshot ${manifest.name} of ${sandbox}: ${workspace.fileCount} files, ${formatBytes(workspace.bytes)} (archive ${formatBytes(workspace.archiveBytes)})${native}`,
    );
    rt.out.line(manifest.name);
  });

export default take;
