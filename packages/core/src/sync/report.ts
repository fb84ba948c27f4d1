import type { SyncOptions, SyncPlan, SyncReport } from './types.js';

/** The report of a sync that plans `plan`, before anything moved. */
export function newReport(direction: 'push' | 'pull', options: SyncOptions, plan: SyncPlan): SyncReport {
  return {
    direction,
    dryRun: options.dryRun === true,
    filesSent: 0,
    bytesSent: 0,
    filesReceived: 0,
    bytesReceived: 0,
    deleted: 0,
    conflicts: plan.conflicts,
    skipped: [],
    quick: false,
    durationMs: 0,
    plan,
  };
}

/** The report of a sync that found nothing to do. */
export function quietReport(direction: 'push' | 'pull', options: SyncOptions, started: number): SyncReport {
  const empty = { upload: [], download: [], deleteRemote: [], deleteLocal: [], conflicts: [] };
  return { ...newReport(direction, options, empty), durationMs: performance.now() - started };
}

/** The report of a sync the quick check settled (see {@link SyncReport.quick}). */
export function quickReport(direction: 'push' | 'pull', options: SyncOptions, started: number): SyncReport {
  return { ...quietReport(direction, options, started), quick: true };
}
