import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NativeSnapshotHandle, SandboxHandle } from '../contract/backend.js';
import { optionalMethod } from '../contract/capabilities.js';
import { AgentkernelError, BackendError } from '../errors/errors.js';
import { validateSandboxName } from '../names.js';
import { registeredSecrets } from '../errors/redactor.js';
import { filterArchive } from '../sync/pack.js';
import { HOLDS_SECRET } from '../sync/secrets.js';
import { escapePath } from '../sync/skipped.js';
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
  /** Receives one line per file left out of the snapshot because it holds a credential. */
  onWarning?: (message: string) => void;
  /** Credential values no archived file may hold; defaults to every secret registered with the redactor. */
  secrets?: readonly string[];
  signal?: AbortSignal;
}

/** The archive held files with credentials: taken again without them. */
class HoldsSecrets extends Error {
  constructor(readonly paths: readonly string[]) {
    super(`files holding credentials: ${paths.join(', ')}`);
  }
}

/** Takes in a row: a file that starts holding a credential between two takes adds one. */
const ATTEMPTS = 3;

/**
 * Captures the sandbox's workspace as a portable snapshot: one `getArchive` streamed straight into
 * the store (never re-compressed) while it is hashed and summarised, then the manifest. A file whose
 * bytes hold a registered credential is never archived: when one shows, the archive is taken again
 * without it (re-packed), with a warning naming it, and no native snapshot (which would hold it) is taken.
 */
export async function takeSnapshot(options: TakeSnapshotOptions): Promise<SnapshotManifest> {
  validateSandboxName(options.name, 'snapshot name');
  const secrets = options.secrets ?? registeredSecrets();
  const excluded = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      return await takeOnce(options, secrets, excluded);
    } catch (error) {
      if (!(error instanceof HoldsSecrets) || attempt >= ATTEMPTS) throw error;
      for (const path of error.paths) {
        excluded.add(path);
        options.onWarning?.(`not in the snapshot: "${escapePath(path)}": ${HOLDS_SECRET}`);
      }
    }
  }
}

async function takeOnce(
  options: TakeSnapshotOptions,
  secrets: readonly string[],
  excluded: ReadonlySet<string>,
): Promise<SnapshotManifest> {
  const { handle, store, name, source, workspaceDir } = options;
  return store.create(name, async (sink, scratchDir) => {
    const { sha256, archiveBytes, summary } = await archiveInto(handle, workspaceDir, sink, {
      ...options,
      scratchDir,
      secrets,
      excluded,
    });
    if (summary.withSecrets.length > 0) throw new HoldsSecrets(summary.withSecrets);
    const { withSecrets: _none, ...counts } = summary;
    let native: NativeSnapshotHandle | undefined;
    if (options.native && excluded.size === 0)
      native = await optionalMethod(handle.ref.backend, handle, 'snapshot', 'nativeSnapshots')(name);
    const createdAt = new Date().toISOString();
    const manifest: SnapshotManifest = {
      specVersion: SNAPSHOT_SPEC_VERSION,
      name,
      createdAt,
      source,
      workspace: { dir: workspaceDir, ...counts, archiveBytes, archiveSha256: sha256 },
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
  options: TakeSnapshotOptions & {
    scratchDir: string;
    secrets: readonly string[];
    excluded: ReadonlySet<string>;
  },
): Promise<{ sha256: string; archiveBytes: number; summary: ArchiveSummary }> {
  // In the store's scratch folder, so a killed take leaves it only where the next snapshot command sweeps.
  const spool = join(options.scratchDir, 'spool');
  try {
    const fetched = await handle.getArchive(workspaceDir);
    const archive = options.excluded.size > 0 ? await filterArchive(fetched, options.excluded) : fetched;
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
    const summary = inspectArchive(copy, spool, options.secrets);
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
