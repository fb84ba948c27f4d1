import {
  AgentkernelError,
  LocalSnapshotStore,
  optionalMethod,
  takeSnapshot,
  type SandboxRecord,
  type SnapshotManifest,
  type SnapshotSource,
  type SyncProgress,
} from '@agentkernel/core';
import type { Connected, Runtime } from './runtime.js';

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
  const suffix = '-restored';
  return sandbox.slice(0, 63 - suffix.length).replace(/[-_]+$/, '') + suffix;
}

/**
 * Snapshots a sandbox's workspace into the store as `name`, with a native snapshot too when its backend
 * has them. The caller holds the sandbox's lock, so no sync changes the workspace half-way.
 */
export function takeSandboxSnapshot(
  rt: Runtime,
  { record, backend, handle }: Connected,
  name: string,
  options: { onProgress?: (progress: SyncProgress) => void; signal?: AbortSignal } = {},
): Promise<SnapshotManifest> {
  return takeSnapshot({
    handle,
    store: snapshotStore(rt),
    name,
    source: snapshotSource(record),
    workspaceDir: record.workspaceDir,
    native: backend.plugin.capabilities.nativeSnapshots && typeof handle.snapshot === 'function',
    onWarning: (message) => rt.out.warn(message),
    ...options,
  });
}

/**
 * Deletes a stored snapshot and its native copy. The portable copy goes regardless: a provider that
 * cannot be reached must not pin it forever, so a failed native delete is a warning.
 */
export async function deleteStoredSnapshot(rt: Runtime, name: string): Promise<{ nativeDeleted: boolean }> {
  const store = snapshotStore(rt);
  const manifest = await store.read(name);
  let nativeDeleted = false;
  if (manifest.native) {
    try {
      const backend = await rt.backend(manifest.native.backend);
      await optionalMethod(
        backend.plugin.name,
        backend,
        'deleteSnapshot',
        'native snapshots',
      )(manifest.native);
      nativeDeleted = true;
    } catch (error) {
      const reason = AgentkernelError.isInstance(error) ? error.detail : String(error);
      rt.out.warn(
        `could not delete the native ${manifest.native.backend} snapshot ${manifest.native.id}: ${reason}`,
      );
    }
  }
  await store.delete(name);
  return { nativeDeleted };
}
