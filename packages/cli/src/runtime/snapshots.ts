import { fitName, LocalSnapshotStore, type SnapshotSource, type SandboxRecord } from '@agentkernel/core';
import type { Runtime } from './runtime.js';

/** The snapshot store: `$AGENTKERNEL_HOME/snapshots/`. */
export function snapshotStore(rt: Runtime): LocalSnapshotStore {
  return new LocalSnapshotStore(rt.state().snapshotsDir);
}

/** What a snapshot records about the sandbox it came from; unknown resources are 0. */
export function snapshotSource(record: SandboxRecord): SnapshotSource {
  return {
    backend: record.backend,
    sandbox: record.name,
    remoteId: record.ref.id,
    ...(record.image === undefined ? {} : { image: record.image }),
    resources: { vcpus: record.vcpus ?? 0, memoryMb: record.memoryMb ?? 0 },
    ports: [...record.ports],
  };
}

/** `<sandbox>-restored`, shortened to stay a valid name. */
export function restoredName(sandbox: string): string {
  return fitName(sandbox, '-restored');
}
