import { AgentkernelError } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { findLeftovers, removeLeftover, type Leftover } from '../runtime/leftovers.js';
import { withRuntime } from '../runtime/runtime.js';

interface GcEntry extends Omit<Leftover, 'ref'> {
  /** `would remove` on a dry run. */
  readonly outcome: 'removed' | 'would remove' | 'kept' | 'failed';
  readonly error?: string;
}

const gc: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const dryRun = args.dryRun === true;
    // A backend named with -B must exist: a typo is an error, not an empty result.
    const backends =
      rt.args.backend === undefined ? undefined : [(await rt.plugin(rt.args.backend)).plugin.name];
    const scan = await findLeftovers(rt, { online: true, ...(backends ? { backends } : {}) });
    for (const problem of scan.problems) rt.out.warn(problem);
    const entries: GcEntry[] = [];
    for (const leftover of scan.leftovers) {
      const { ref: _ref, ...shown } = leftover;
      if (dryRun) {
        entries.push({ ...shown, outcome: 'would remove' });
        continue;
      }
      try {
        entries.push({ ...shown, outcome: await removeLeftover(rt, leftover) });
      } catch (error) {
        const message = AgentkernelError.isInstance(error) ? error.detail : String(error);
        entries.push({ ...shown, outcome: 'failed', error: message });
      }
    }
    const failed = entries.filter((entry) => entry.outcome === 'failed').length;
    const code = failed > 0 ? 3 : 0;
    // Backends without credentials are normal; only a failure to list is worth a warning.
    const notable = scan.skipped.filter((skip) => skip.reason.startsWith('listing failed'));
    if (rt.out.json) {
      rt.out.printJson({ dryRun, leftovers: entries, skipped: scan.skipped });
      return code;
    }
    for (const skip of notable) rt.out.warn(`${skip.backend}: ${skip.reason}`);
    for (const skip of scan.skipped.filter((s) => !notable.includes(s)))
      rt.out.debug(`${skip.backend} not asked: ${skip.reason}`);
    if (entries.length === 0) {
      rt.out.info('nothing left behind');
      return code;
    }
    rt.out.table(entries, [
      { header: 'OUTCOME', value: (e) => e.outcome },
      { header: 'KIND', value: (e) => e.kind },
      { header: 'BACKEND', value: (e) => e.backend },
      { header: 'NAME', value: (e) => e.name ?? '-' },
      { header: 'ID', value: (e) => e.id },
      { header: 'WHY', value: (e) => e.error ?? e.reason },
    ]);
    if (dryRun) rt.out.info(`${entries.length} to remove; run without --dry-run to remove them`);
    return code;
  });

export default gc;
