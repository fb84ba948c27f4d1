import {
  availableSnapshotName,
  defaultSnapshotName,
  takeSnapshot,
  validateSandboxName,
} from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { formatBytes, ProgressBar } from '../output/progress.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { withRuntime } from '../runtime/runtime.js';
import { snapshotSource, snapshotStore } from '../runtime/snapshots.js';

const take: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const sandbox = await rt.sandboxName(args.sandbox, 'snapshot take');
    const store = snapshotStore(rt);
    const given = args.name as string | undefined;
    // Under the sandbox's lock, so no sync or second snapshot changes the workspace half-way.
    const manifest = await rt.state().withSandboxLock(sandbox, async () => {
      const { record, backend, handle } = await rt.connect(sandbox);
      const name =
        given === undefined
          ? await availableSnapshotName(store, defaultSnapshotName(sandbox))
          : validateSandboxName(given, 'snapshot name');
      const native = backend.plugin.capabilities.nativeSnapshots && typeof handle.snapshot === 'function';
      const bar = new ProgressBar(io.stderr, !args.quiet && !args.json);
      try {
        return await withInterrupt((signal) =>
          takeSnapshot({
            handle,
            store,
            name,
            source: snapshotSource(record),
            workspaceDir: record.workspaceDir,
            native,
            onProgress: (progress) => bar.update(progress.phase, progress.bytesDone, progress.bytesTotal),
            onWarning: (message) => rt.out.warn(message),
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
