import { pullWorkspace, pushWorkspace, syncStatus, type SyncPlan } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { ProgressBar } from '../output/progress.js';
import { withRuntime, type Runtime } from '../runtime/runtime.js';
import { describeReport, syncOptions } from '../runtime/workspace.js';

function printPlan(rt: Runtime, plan: SyncPlan): void {
  const rows = [
    ...plan.upload.map((path) => ['send', path]),
    ...plan.deleteRemote.map((path) => ['delete in sandbox', path]),
    ...plan.download.map((path) => ['receive', path]),
    ...plan.deleteLocal.map((path) => ['delete locally', path]),
    ...plan.conflicts.map((path) => [rt.out.colors.red('conflict'), path]),
  ];
  if (rows.length === 0) return rt.out.line('in step: nothing to move');
  rt.out.table(rows, [
    { header: 'ACTION', value: (row) => row[0] ?? '' },
    { header: 'PATH', value: (row) => row[1] ?? '' },
  ]);
}

const sync: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const action = String((args._ as unknown[])[1]);
    const connected = await rt.connect(await rt.sandboxName(args.name, `sync ${action}`));
    const bar = new ProgressBar(io.stderr, !args.quiet && !args.json);
    const prefer = args.prefer as 'local' | 'remote' | undefined;
    const options = syncOptions(rt, connected, bar, {
      dryRun: args.dryRun === true,
      ...(prefer ? { prefer } : {}),
    });
    try {
      if (action === 'status') {
        const status = await syncStatus(options);
        if (rt.out.json) return rt.out.printJson(status);
        return printPlan(rt, status);
      }
      const engine = action === 'push' ? pushWorkspace : pullWorkspace;
      const report = await rt.state().withSandboxLock(connected.record.name, () => engine(options));
      if (rt.out.json) return rt.out.printJson(report);
      if (report.dryRun) printPlan(rt, report.plan);
      rt.out.info(`${connected.record.name}: ${action} ${describeReport(report)}`);
    } finally {
      bar.done();
    }
  });

export default sync;
