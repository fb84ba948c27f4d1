import {
  AgentkernelError,
  availableSnapshotName,
  defaultSnapshotName,
  fitName,
  LocalSnapshotStore,
  optionalMethod,
  takeSnapshot,
  validateSandboxName,
  type SandboxRecord,
  type SnapshotManifest,
  type SnapshotSource,
  type SyncProgress,
} from '@agentkernel/core';
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

/**
 * The fields of a manifest that repeat others in agentkernel's spelling, so its Rust CLI can read the file
 * (`created_at` is `createdAt`, `sandbox` is `source.sandbox`, `remote_snapshot` is `native.id`, ...).
 */
const AGENTKERNEL_MIRRORS: ReadonlySet<string> = new Set([
  'sandbox',
  'image_tag',
  'backend',
  'base_image',
  'vcpus',
  'memory_mb',
  'created_at',
  'remote_snapshot',
] satisfies (keyof SnapshotManifest)[]);

/** A snapshot as `--json` shows it: the manifest with one spelling per field (no agentkernel mirrors). */
export function snapshotView(manifest: SnapshotManifest): Record<string, unknown> {
  return Object.fromEntries(Object.entries(manifest).filter(([key]) => !AGENTKERNEL_MIRRORS.has(key)));
}

/** `<sandbox>-restored`, shortened to stay a valid name. */
export function restoredName(sandbox: string): string {
  return fitName(sandbox, '-restored');
}

export interface TakeOptions {
  readonly sandbox: string;
  /** The snapshot's name; by default `<sandbox>-YYYYMMDD`, made unique. */
  readonly name?: string;
  readonly onProgress?: (progress: SyncProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * Takes a portable snapshot of a sandbox's workspace (plus a native one where the backend has them),
 * under the sandbox's lock, so no sync or second snapshot changes the workspace half-way.
 */
export async function takeSandboxSnapshot(rt: Runtime, options: TakeOptions): Promise<SnapshotManifest> {
  const { sandbox } = options;
  const store = snapshotStore(rt);
  return rt.state().withSandboxLock(sandbox, async () => {
    // An expired sandbox may still be snapshotted: it is how its work is kept before gc removes it.
    const { record, backend, handle } = await rt.connect(sandbox, { expired: 'allow' });
    const name =
      options.name === undefined
        ? await availableSnapshotName(store, defaultSnapshotName(sandbox))
        : validateSandboxName(options.name, 'snapshot name');
    return takeSnapshot({
      handle,
      store,
      name,
      source: snapshotSource(record),
      workspaceDir: record.workspaceDir,
      native: backend.plugin.capabilities.nativeSnapshots && typeof handle.snapshot === 'function',
      onWarning: (message) => rt.out.warn(message),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  });
}

/**
 * Deletes a snapshot: its native copy at the provider when it has one, then the portable copy, which goes
 * regardless (a provider that cannot be reached must not pin it forever; that is a warning).
 */
export async function deleteSandboxSnapshot(rt: Runtime, name: string): Promise<{ nativeDeleted: boolean }> {
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
        'nativeSnapshots',
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
