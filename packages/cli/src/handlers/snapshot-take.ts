import { availableSnapshotName, defaultSnapshotName, validateSandboxName } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { formatBytes, ProgressBar } from '../output/progress.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { withRuntime } from '../runtime/runtime.js';
import { snapshotStore, takeSandboxSnapshot } from '../runtime/snapshots.js';

const take: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const sandbox = args.sandbox as string;
    const store = snapshotStore(rt);
    const given = args.name as string | undefined;
    // Under the sandbox's lock, so no sync or second snapshot changes the workspace half-way.
    const manifest = await rt.state().withSandboxLock(sandbox, async () => {
      const connected = await rt.connect(sandbox);
      const name =
        given === undefined
          ? await availableSnapshotName(store, defaultSnapshotName(sandbox))
          : validateSandboxName(given, 'snapshot name');
      const bar = new ProgressBar(io.stderr, !args.quiet && !args.json);
      try {
        return await withInterrupt((signal) =>
          takeSandboxSnapshot(rt, connected, name, {
            onProgress: (progress) => bar.update(progress.phase, progress.bytesDone, progress.bytesTotal),
            signal,
          }),
        );
      } finally {
        bar.done();
      }
    });
    if (rt.out.json) return rt.out.printJson(manifest);
    const { workspace } = manifest;
    const native = manifest.native ? ` and a native ${manifest.native.backend} snapshot` : '';
    rt.out.info(
      `took snapshot ${manifest.name} of ${sandbox}: ${workspace.fileCount} files, ${formatBytes(workspace.bytes)} (archive ${formatBytes(workspace.archiveBytes)})${native}`,
    );
    rt.out.line(manifest.name);
  });

export default take;
