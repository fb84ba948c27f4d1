import {
  AgentkernelError,
  UsageError,
  restoreWorkspace,
  validateSandboxName,
  type SnapshotManifest,
  type SnapshotStore,
} from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { ProgressBar } from '../output/progress.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { createSandbox, type CreateOptions } from '../runtime/lifecycle.js';
import { withRuntime, type Connected, type Runtime } from '../runtime/runtime.js';
import { restoredName, snapshotStore } from '../runtime/snapshots.js';
import { creationFor, type CreationFlags } from '../runtime/spec.js';

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

async function portable(
  rt: Runtime,
  base: CreateOptions,
  manifest: SnapshotManifest,
  store: SnapshotStore,
  signal: AbortSignal,
): Promise<Connected> {
  const bar = new ProgressBar(rt.io.stderr, !rt.args.quiet && !rt.args.json);
  try {
    return await createSandbox(rt, {
      ...base,
      prepare: ({ handle, record }) =>
        restoreWorkspace({
          manifest,
          store,
          handle,
          workspaceDir: record.workspaceDir,
          onProgress: (progress) => bar.update(progress.phase, progress.bytesDone, progress.bytesTotal),
          signal,
        }),
    });
  } finally {
    bar.done();
  }
}

const restore: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const store = snapshotStore(rt);
    const manifest = await store.read(args.snapshot as string);
    const loaded = await rt.config();
    const name = validateSandboxName(
      (args.as as string | undefined) ?? restoredName(manifest.source.sandbox),
    );
    const { plugin } = await rt.plugin(args.backend ?? manifest.source.backend);
    const sameBackend = plugin.name === manifest.source.backend;
    const creation = creationFor(loaded, plugin.name, name, flagsFrom(manifest, sameBackend));
    const base: CreateOptions = { name, backend: plugin.name, creation, projectDir: loaded.projectRoot };
    const native =
      manifest.native !== undefined &&
      manifest.native.backend === plugin.name &&
      plugin.capabilities.nativeSnapshots;

    const { connected, method } = await withInterrupt(async (signal) => {
      if (native && manifest.native) {
        try {
          return {
            connected: await createSandbox(rt, {
              ...base,
              specExtras: { fromSnapshot: manifest.native, signal },
            }),
            method: 'native',
          };
        } catch (error) {
          // A native snapshot the provider no longer has is no reason to fail: the portable copy is here.
          if (!AgentkernelError.isInstance(error) || UsageError.isInstance(error)) throw error;
          rt.out.warn(`native restore failed (${error.detail}); restoring the portable copy instead`);
        }
      }
      return {
        connected: await portable(rt, { ...base, specExtras: { signal } }, manifest, store, signal),
        method: 'portable',
      };
    });
    const status = await connected.handle.status();
    if (rt.out.json)
      return rt.out.printJson({ name, backend: plugin.name, snapshot: manifest.name, method, status });
    rt.out.info(`restored snapshot ${manifest.name} as ${name} on ${plugin.name} (${method}, ${status})`);
  });

export default restore;
