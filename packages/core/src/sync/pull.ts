import { chmod, lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentkernelError, BackendError, SyncConflictError } from '../errors/errors.js';
import { UnsafeArchiveEntryError } from './errors.js';
import { observe } from './gather.js';
import { planSync } from './planner.js';
import { cleanTempFiles, fileCache, newReport, saveManifest } from './report.js';
import { extractArchive } from './safe-extract.js';
import { checkSymlinkTarget, ensureParents, removeLocalPath } from './safe-paths.js';
import { toBase, type BaseEntry } from './sync-manifest.js';
import type { EntryKind, SyncOptions, SyncReport, TreeEntry } from './types.js';

/**
 * Brings what changed in the sandbox since the last sync: deletions applied locally, folders created,
 * and one `getArchive` of the changed files and symlinks, unpacked safely (see `extractArchive`).
 * Changes made only locally are left for a push. On a first sync, sandbox files that are absent locally
 * are brought; files present on both sides with different content are conflicts.
 */
export async function pullWorkspace(options: SyncOptions): Promise<SyncReport> {
  const started = performance.now();
  const { handle, localDir, workspaceDir, signal } = options;
  const backend = handle.ref.backend;
  const { local, remote, manifest } = await observe(options);
  const base: ReadonlyMap<string, BaseEntry> = manifest?.entries ?? new Map<string, BaseEntry>();
  const result = planSync({
    direction: 'pull',
    base,
    local: local.tree,
    remote: remote.tree,
    prefer: options.prefer,
  });
  const { plan, nextBase } = result;
  const report = newReport('pull', options, plan);
  if (plan.conflicts.length > 0 && !options.dryRun) throw new SyncConflictError(plan.conflicts, { backend });

  // Refuse hostile sandbox state before changing anything locally.
  for (const path of plan.download) {
    const entry = remote.tree.get(path);
    if (entry?.kind === 'symlink') checkSymlinkTarget(path, entry.target);
  }
  if (options.dryRun) return { ...report, durationMs: performance.now() - started };

  await cleanTempFiles(localDir, local.tempFiles);
  const localTree = local.tree;
  for (const path of plan.deleteLocal) {
    signal?.throwIfAborted();
    if (await removeLocalPath(localDir, path)) report.deleted++;
    localTree.delete(path);
  }

  const fetch = new Map<string, EntryKind>();
  for (const path of plan.download) {
    const entry = remote.tree.get(path) as TreeEntry;
    if (entry.kind !== 'dir') {
      fetch.set(path, entry.kind);
      continue;
    }
    await ensureParents(localDir, path);
    const target = join(localDir, path);
    await mkdir(target, { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    const stats = await lstat(target);
    if (!stats.isDirectory()) throw new UnsafeArchiveEntryError(path, 'a non-folder is in the way locally');
    localTree.set(path, { kind: 'dir', mode: entry.mode, size: 0, mtimeMs: stats.mtimeMs });
    report.filesReceived++;
  }

  if (fetch.size > 0) {
    signal?.throwIfAborted();
    const paths = [...fetch.keys()];
    const bytesTotal = paths.reduce((sum, p) => sum + (remote.tree.get(p)?.size ?? 0), 0);
    let extracted;
    try {
      const archive = await handle.getArchive(workspaceDir, paths);
      extracted = await extractArchive(archive, {
        root: localDir,
        expected: fetch,
        signal,
        onProgress: (_compressed, bytesDone) =>
          options.onProgress?.({ phase: 'download', bytesDone, bytesTotal }),
      });
    } catch (error) {
      if (AgentkernelError.isInstance(error)) throw error;
      throw new BackendError(
        backend,
        `could not download ${paths.length} files from ${workspaceDir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    report.bytesReceived = extracted.compressedBytes;
    report.filesReceived += extracted.applied.size;
    for (const path of paths) {
      const applied = extracted.applied.get(path);
      if (applied) {
        localTree.set(path, applied);
        nextBase.set(path, toBase(applied));
        const r = remote.tree.get(path);
        if (r?.kind === 'file' && applied.sha256 && r.size === applied.size) r.sha256 = applied.sha256;
      } else {
        // Gone from the sandbox since the listing: leave its base alone so the next sync sees it again.
        const previous = base.get(path);
        if (previous) nextBase.set(path, previous);
        else nextBase.delete(path);
      }
    }
  }

  // Folder modes last and deepest first: a folder made unwritable or unlistable must not block its children.
  for (const path of plan.download.filter((p) => remote.tree.get(p)?.kind === 'dir').reverse()) {
    await chmod(join(localDir, path), (remote.tree.get(path) as TreeEntry).mode);
  }
  await saveManifest(options.manifestFile, manifest, {
    workspaceDir,
    remoteClock: remote.clock,
    entries: nextBase,
    local: fileCache(localTree, 1),
    remote: fileCache(remote.tree, 1000),
  });
  return { ...report, durationMs: performance.now() - started };
}
