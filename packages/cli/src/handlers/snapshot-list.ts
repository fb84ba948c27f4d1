import type { Handler } from '../commands/types.js';
import { formatBytes } from '../output/progress.js';
import { withRuntime } from '../runtime/runtime.js';
import { snapshotStore, snapshotView } from '../runtime/snapshots.js';
import { formatInstant } from '../runtime/view.js';

const list: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const manifests = await snapshotStore(rt).list({
      onInvalid: (name, error) => rt.out.warn(`snapshot ${name} skipped: ${error.detail}`),
    });
    if (rt.out.json) return rt.out.printJson(manifests.map(snapshotView));
    if (manifests.length === 0)
      return rt.out.info('no snapshots yet; take one with: agentkernel snapshot take SANDBOX');
    rt.out.table(manifests, [
      { header: 'NAME', value: (m) => m.name },
      { header: 'SANDBOX', value: (m) => m.source.sandbox },
      { header: 'BACKEND', value: (m) => m.source.backend },
      { header: 'CREATED', value: (m) => formatInstant(m.createdAt) },
      { header: 'FILES', value: (m) => String(m.workspace.fileCount), align: 'right' },
      { header: 'SIZE', value: (m) => formatBytes(m.workspace.bytes), align: 'right' },
      { header: 'NATIVE', value: (m) => (m.native ? 'yes' : 'no') },
    ]);
  });

export default list;
