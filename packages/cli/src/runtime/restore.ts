import {
  AgentkernelError,
  restoreWorkspace,
  UsageError,
  validateSandboxName,
  type SnapshotManifest,
  type SyncProgress,
} from '@agentkernel/core';
import { createSandbox, type CreateOptions } from './lifecycle.js';
import type { Connected, Runtime } from './runtime.js';
import { restoredName, snapshotStore } from './snapshots.js';
import { creationFor, type CreationFlags } from './spec.js';

/** The source's shape, where it carries over: an image means nothing to another provider. */
function flagsFrom(manifest: SnapshotManifest, sameBackend: boolean): CreationFlags {
  const { source } = manifest;
  return {
    ...(sameBackend && source.image !== undefined ? { image: source.image } : {}),
    ...(source.resources.vcpus > 0 ? { vcpus: source.resources.vcpus } : {}),
    ...(source.resources.memoryMb > 0 ? { memoryMb: source.resources.memoryMb } : {}),
    port: source.ports,
    // The restored workspace is the snapshot's: pushing the project over it would undo the restore.
    mountCwd: false,
  };
}

export interface RestoreOptions {
  readonly snapshot: string;
  /** The new sandbox's name; by default `<source sandbox>-restored`. */
  readonly as?: string;
  /** The backend to restore onto; by default the source's. */
  readonly backend?: string;
  readonly onProgress?: (progress: SyncProgress) => void;
  readonly signal: AbortSignal;
}

export interface Restored {
  readonly connected: Connected;
  readonly manifest: SnapshotManifest;
  /** `native` when the provider restored its own snapshot, `portable` when the archive was unpacked. */
  readonly method: 'native' | 'portable';
}

/**
 * Restores a snapshot as a new sandbox: from the native snapshot when the target backend is the one that
 * took it, else (or when the provider no longer has it) by unpacking the portable archive into a fresh
 * sandbox, whose checksum is verified first.
 */
export async function restoreSnapshot(rt: Runtime, options: RestoreOptions): Promise<Restored> {
  const store = snapshotStore(rt);
  const manifest = await store.read(options.snapshot);
  const loaded = await rt.config();
  const name = validateSandboxName(options.as ?? restoredName(manifest.source.sandbox));
  const { plugin } = await rt.plugin(options.backend ?? manifest.source.backend);
  const sameBackend = plugin.name === manifest.source.backend;
  const creation = creationFor(loaded, plugin.name, name, flagsFrom(manifest, sameBackend));
  const base: CreateOptions = { name, backend: plugin.name, creation, projectDir: loaded.projectRoot };
  const { signal } = options;
  if (manifest.native?.backend === plugin.name && plugin.capabilities.nativeSnapshots) {
    try {
      const connected = await createSandbox(rt, {
        ...base,
        specExtras: { fromSnapshot: manifest.native, signal },
      });
      return { connected, manifest, method: 'native' };
    } catch (error) {
      // A native snapshot the provider no longer has is no reason to fail: the portable copy is here.
      if (!AgentkernelError.isInstance(error) || UsageError.isInstance(error)) throw error;
      rt.out.warn(`native restore failed (${error.detail}); restoring the portable copy instead`);
    }
  }
  const connected = await createSandbox(rt, {
    ...base,
    specExtras: { signal },
    prepare: ({ handle, record }) =>
      restoreWorkspace({
        manifest,
        store,
        handle,
        workspaceDir: record.workspaceDir,
        signal,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
  });
  return { connected, manifest, method: 'portable' };
}
