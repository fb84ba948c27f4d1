import { observe } from './observe.js';
import { planSync } from './planner.js';
import type { SyncOptions, SyncStatus } from './types.js';

/**
 * What a push and a pull would do now, without changing anything: `upload`/`deleteRemote` are the
 * push's, `download`/`deleteLocal` the pull's, and `conflicts` the paths changed differently on both
 * sides (none when `prefer` is set).
 */
export async function syncStatus(options: SyncOptions): Promise<SyncStatus> {
  const { local, remote, manifest } = await observe(options);
  const input = {
    base: manifest?.entries ?? new Map(),
    local: local.tree,
    remote: remote.tree,
    prefer: options.prefer,
  };
  const push = planSync({ ...input, direction: 'push' });
  const pull = planSync({ ...input, direction: 'pull' });
  return {
    upload: push.plan.upload,
    deleteRemote: push.plan.deleteRemote,
    download: pull.plan.download,
    deleteLocal: pull.plan.deleteLocal,
    conflicts: pull.plan.conflicts,
    localChanged: pull.localChanged,
    remoteChanged: pull.remoteChanged,
  };
}
