import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NativeSnapshotHandle, SandboxHandle } from '../contract/backend.js';
import { optionalMethod } from '../contract/capabilities.js';
import { AgentkernelError, BackendError } from '../errors/errors.js';
import { validateSandboxName } from '../names.js';
import type { SyncProgress } from '../sync/types.js';
import { inspectArchive, type ArchiveSummary } from './inspect.js';
import { SNAPSHOT_SPEC_VERSION, type SnapshotManifest, type SnapshotSource } from './manifest.js';
import type { SnapshotStore } from './store.js';

export interface TakeSnapshotOptions {
  handle: SandboxHandle;
  store: SnapshotStore;
  name: string;
  source: SnapshotSource;
  workspaceDir: string;
  /** Also take a provider-side snapshot (throws `CapabilityUnsupportedError` when the backend has none). */
  native?: boolean;
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
}

/**
 * Captures the sandbox's workspace as a portable snapshot: one `getArchive` streamed straight into
 * the store (never re-compressed) while it is hashed and summarised, then the manifest.
 */
export async function takeSnapshot(options: TakeSnapshotOptions): Promise<SnapshotManifest> {
  const { handle, store, name, source, workspaceDir } = options;
  validateSandboxName(name, 'snapshot name');
  return store.create(name, async (sink, scratchDir) => {
    const { sha256, archiveBytes, summary } = await archiveInto(handle, workspaceDir, sink, {
      ...options,
      scratchDir,
    });
    let native: NativeSnapshotHandle | undefined;
    if (options.native)
      native = await optionalMethod(handle.ref.backend, handle, 'snapshot', 'native snapshots')(name);
    const createdAt = new Date().toISOString();
    const manifest: SnapshotManifest = {
      specVersion: SNAPSHOT_SPEC_VERSION,
      name,
      createdAt,
      source,
      workspace: { dir: workspaceDir, ...summary, archiveBytes, archiveSha256: sha256 },
      ...(native ? { native } : {}),
      sandbox: source.sandbox,
      image_tag: source.image ?? '',
      backend: source.backend,
      base_image: source.image ?? '',
      vcpus: source.resources.vcpus,
      memory_mb: source.resources.memoryMb,
      created_at: createdAt,
      ...(native ? { remote_snapshot: native.id } : {}),
    };
    return manifest;
  });
}

async function archiveInto(
  handle: SandboxHandle,
  workspaceDir: string,
  sink: Writable,
  options: TakeSnapshotOptions & { scratchDir: string },
): Promise<{ sha256: string; archiveBytes: number; summary: ArchiveSummary }> {
  // In the store's scratch folder, so a killed take leaves it only where the next snapshot command sweeps.
  const spool = join(options.scratchDir, 'spool');
  try {
    const archive = await handle.getArchive(workspaceDir);
    const hash = createHash('sha256');
    let archiveBytes = 0;
    // The summary reads a copy of the stream; its pace holds the download back, never the reverse.
    const copy = new PassThrough();
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        archiveBytes += chunk.length;
        options.onProgress?.({ phase: 'snapshot', bytesDone: archiveBytes });
        if (copy.write(chunk)) callback(null, chunk);
        else copy.once('drain', () => callback(null, chunk));
      },
      flush(callback) {
        copy.end();
        callback();
      },
    });
    const summary = inspectArchive(copy, spool);
    summary.catch((error: unknown) => tap.destroy(error instanceof Error ? error : new Error(String(error))));
    try {
      await pipeline(archive, tap, sink, { signal: options.signal });
    } catch (error) {
      copy.destroy();
      await summary.catch(() => undefined);
      if (AgentkernelError.isInstance(error)) throw error;
      throw new BackendError(
        handle.ref.backend,
        `could not archive ${workspaceDir} of sandbox ${handle.ref.id}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return { sha256: hash.digest('hex'), archiveBytes, summary: await summary };
  } finally {
    await rm(spool, { force: true });
  }
}
