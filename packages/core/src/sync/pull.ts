import { chmod, lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AgentkernelError, BackendError, SyncConflictError } from '../errors/errors.js';
import { UnsafeArchiveEntryError } from './errors.js';
import { observe, readRootRules, unchanged, type Observed } from './observe.js';
import { planSync } from './planner.js';
import {
  costlyMark,
  readQuickCheck,
  ruleFilesDigest,
  writeQuickCheck,
  type RemoteMark,
} from './quick-check.js';
import { listingUnchanged } from './remote-list.js';
import { newReport, quickReport } from './report.js';
import { cleanTempFiles } from './local-index.js';
import { extractArchive } from './safe-extract.js';
import { checkSymlinkTarget, ensureParents, removeLocalPath } from './safe-paths.js';
import { HOLDS_SECRET } from './secrets.js';
import { localPathProblem, SkipLog } from './skipped.js';
import {
  localFileCache,
  remoteFileCache,
  saveManifest,
  toBase,
  type BaseEntry,
  type SyncManifest,
} from './sync-manifest.js';
import type { EntryKind, SyncOptions, SyncPlan, SyncReport, TreeEntry } from './types.js';

/** Pulls tried in a row when sandbox files vanish between the listing and the download. */
const ATTEMPTS = 3;
/** The failures of downloads that broke part-way: {@link pullWorkspace} lists and tries again. */
const brokenDownloads = new WeakSet<AgentkernelError>();

/**
 * Brings what changed in the sandbox since the last sync: deletions applied locally, folders created,
 * and one `getArchive` of the changed files and symlinks, unpacked safely (see `extractArchive`).
 * Changes made only locally are left for a push. On a first sync, sandbox files that are absent locally
 * are brought; files present on both sides with different content are conflicts. Sandbox entries that
 * cannot come back (see `SyncReport.skipped`) are left alone on both sides with a warning, and
 * everything else is synced.
 */
export async function pullWorkspace(options: SyncOptions): Promise<SyncReport> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pullOnce(options);
    } catch (error) {
      // A file deleted or renamed in the sandbox after the listing, or a download that broke part-way
      // (a file gone while tar read the list, a dropped connection): list again.
      const again =
        AgentkernelError.isInstance(error) && (error.code === 'NOT_FOUND' || brokenDownloads.has(error));
      if (attempt >= ATTEMPTS || !again) throw error;
    }
  }
}

async function pullOnce(options: SyncOptions): Promise<SyncReport> {
  const started = performance.now();
  const { handle, localDir, workspaceDir, signal } = options;
  const backend = handle.ref.backend;
  const skipped = new SkipLog(options, 'not pulled:');
  const quick = options.dryRun ? undefined : await readQuickCheck(options);
  const mark = quick?.remote;
  // The sandbox compares its listing while the local rule files are read here.
  const listed =
    mark && listingUnchanged(handle, workspaceDir, { ...mark, timeoutMs: options.listTimeoutMs, signal });
  listed?.catch(() => undefined);
  const rootRules = await readRootRules(localDir);
  const rules = ruleFilesDigest(localDir, rootRules.pruneNames());
  if (mark !== undefined && (await listed) === true && mark.rules === rules)
    return quickReport('pull', options, started);
  const observed = await observe(options, rootRules);
  const leftOut = leaveOutUnsyncable(observed, localDir, skipped);
  const { local, remote, manifest } = observed;
  const base: ReadonlyMap<string, BaseEntry> = manifest?.entries ?? new Map<string, BaseEntry>();
  const { plan, nextBase } = planSync({
    direction: 'pull',
    base,
    local: local.tree,
    remote: remote.tree,
    prefer: options.prefer,
  });
  // Left out is not deleted: the base stays, so whatever the sandbox puts there next compares to it.
  for (const path of leftOut) {
    const previous = base.get(path);
    if (previous) nextBase.set(path, previous);
  }
  const report = newReport('pull', options, plan);
  report.skipped = skipped.entries;
  if (plan.conflicts.length > 0 && !options.dryRun) throw new SyncConflictError(plan.conflicts, { backend });
  if (options.dryRun) {
    skipped.finish();
    return { ...report, durationMs: performance.now() - started };
  }

  const localTree = local.tree;
  const toFetch = new Map<string, EntryKind>();
  for (const path of plan.download) {
    const kind = remote.tree.get(path)?.kind;
    if (kind !== undefined && kind !== 'dir') toFetch.set(path, kind);
  }
  // Asked for before anything changes here: a file gone from the sandbox since the listing fails this
  // request, and the pull is tried again from an untouched local folder, not one this attempt half-changed.
  const archive = toFetch.size > 0 ? await download(options, [...toFetch.keys()]) : undefined;
  // The archive may fail before it is unpacked: heard here, or its 'error' would end the process.
  let brokeEarly: Error | undefined;
  archive?.on('error', (error: Error) => {
    brokeEarly ??= error;
  });

  const deletedHere = new Set<string>();
  try {
    await prepareLocal(options, observed, plan, toFetch, report, deletedHere);
  } catch (error) {
    archive?.destroy();
    await recordRemovals(options, manifest, deletedHere);
    throw error;
  }

  if (archive) {
    if (signal?.aborted) archive.destroy();
    signal?.throwIfAborted();
    const paths = [...toFetch.keys()];
    const bytesTotal = paths.reduce((sum, path) => sum + (remote.tree.get(path)?.size ?? 0), 0);
    let extracted;
    try {
      if (brokeEarly !== undefined) throw brokeEarly;
      extracted = await extractArchive(archive, {
        root: localDir,
        expected: toFetch,
        signal,
        onProgress: (_compressed, bytesDone) =>
          options.onProgress?.({ phase: 'download', bytesDone, bytesTotal }),
        onSkip: (path, reason) => skipped.add(path, reason),
      });
    } catch (error) {
      await recordRemovals(options, manifest, deletedHere);
      const failure = downloadFailure(options, paths, error);
      if (failure.code !== 'SYNC_UNSAFE_ENTRY') brokenDownloads.add(failure);
      throw failure;
    }
    report.bytesReceived = extracted.compressedBytes;
    report.filesReceived += extracted.applied.size;
    for (const path of paths) {
      const applied = extracted.applied.get(path);
      if (applied) {
        localTree.set(path, applied);
        nextBase.set(path, toBase(applied));
        const listed = remote.tree.get(path);
        if (listed?.kind === 'file' && applied.sha256 && listed.size === applied.size)
          listed.sha256 = applied.sha256;
      } else {
        // Gone from the sandbox since the listing, or left out: the base records what is here now (the
        // previous base, or nothing when this pull removed the local entry), so the next sync sees it again.
        const previous = base.get(path);
        if (previous && !deletedHere.has(path)) nextBase.set(path, previous);
        else nextBase.delete(path);
        remote.tree.delete(path);
      }
    }
  }

  // Folder modes last and deepest first: a folder made unwritable or unlistable must not block its children.
  for (const path of plan.download.filter((p) => remote.tree.get(p)?.kind === 'dir').reverse()) {
    await chmod(join(localDir, path), (remote.tree.get(path) as TreeEntry).mode);
  }
  // A listing that hashed many files moves the clock on rather than become the mark (it would hash them again).
  const costly = costlyMark(remote);
  const next = {
    workspaceDir,
    remoteClock: remote.clock,
    entries: nextBase,
    local: localFileCache(localTree),
    remote: remoteFileCache(remote.tree),
  };
  const baseKept = await saveManifest(options.manifestFile, manifest, next, costly);
  // Only a sandbox that matches the base, with nothing left out, may be skipped next time.
  const settled =
    rules !== undefined &&
    remote.hashed &&
    !costly &&
    skipped.entries.length === 0 &&
    options.prefer === undefined &&
    unchanged(remote.tree, nextBase);
  const remoteMark: RemoteMark | undefined = settled
    ? { since: remote.since, prune: remote.prune, digest: remote.digest, rules }
    : undefined;
  await writeQuickCheck(options, quick, baseKept, { remote: remoteMark });
  skipped.finish();
  return { ...report, durationMs: performance.now() - started };
}

/**
 * Removes what the sandbox removed and makes the folders it made, before the archive is unpacked;
 * `removed` gets each path removed here as it goes.
 */
async function prepareLocal(
  options: SyncOptions,
  observed: Observed,
  plan: SyncPlan,
  toFetch: ReadonlyMap<string, EntryKind>,
  report: SyncReport,
  removed: Set<string>,
): Promise<void> {
  const { localDir, signal } = options;
  const { local, remote } = observed;
  const localTree = local.tree;
  await cleanTempFiles(localDir, local.tempFiles);
  // A file or symlink that comes back as the other kind is replaced in place by the extraction's rename,
  // so it is never missing here, even when the download then fails.
  const replacedInPlace = (path: string): boolean => toFetch.has(path) && localTree.get(path)?.kind !== 'dir';
  for (const path of plan.deleteLocal.filter((p) => !replacedInPlace(p))) {
    signal?.throwIfAborted();
    if (await removeLocalPath(localDir, path)) report.deleted++;
    removed.add(path);
    localTree.delete(path);
  }

  for (const path of plan.download) {
    const entry = remote.tree.get(path) as TreeEntry;
    if (entry.kind !== 'dir') continue;
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
}

/**
 * After a pull that failed part-way: the base forgets what it already removed here, so that the next
 * pull does not take those removals for local changes (a folder the sandbox turned into a file would
 * otherwise be a conflict). Everything else it wrote is the sandbox's content, which the next pull sees
 * as the same change on both sides.
 */
async function recordRemovals(
  options: SyncOptions,
  manifest: SyncManifest | undefined,
  removed: ReadonlySet<string>,
): Promise<void> {
  if (manifest === undefined || removed.size === 0) return;
  const entries = new Map(manifest.entries);
  for (const path of removed) entries.delete(path);
  await saveManifest(options.manifestFile, manifest, { ...manifest, entries });
}

async function download(options: SyncOptions, paths: string[]): Promise<Readable> {
  options.signal?.throwIfAborted();
  try {
    return await options.handle.getArchive(options.workspaceDir, paths);
  } catch (error) {
    throw downloadFailure(options, paths, error);
  }
}

function downloadFailure(options: SyncOptions, paths: readonly string[], error: unknown): AgentkernelError {
  if (AgentkernelError.isInstance(error)) return error;
  return new BackendError(
    options.handle.ref.backend,
    `could not download ${paths.length} files from ${options.workspaceDir}: ${(error as Error).message}`,
    { cause: error },
  );
}

/**
 * Takes the sandbox entries that cannot come back here out of both trees, so the plan neither fetches
 * them nor touches what is at their path locally: fifos, sockets, devices and names that are not
 * UTF-8 (found by the listing), symlinks leaving the workspace, paths too long for this machine; and
 * the local files holding a credential (already out of both trees), which are named too.
 */
function leaveOutUnsyncable(observed: Observed, localDir: string, skipped: SkipLog): string[] {
  const { local, remote } = observed;
  const leftOut: string[] = [...local.withSecrets];
  for (const path of local.withSecrets) skipped.add(path, HOLDS_SECRET);
  for (const entry of remote.unsyncable) {
    skipped.add(entry.raw, entry.reason);
    if (entry.path === undefined) continue;
    local.tree.delete(entry.path);
    leftOut.push(entry.path);
  }
  for (const [path, entry] of remote.tree) {
    let reason = localPathProblem(localDir, path);
    if (reason === undefined && entry.kind === 'symlink') {
      try {
        checkSymlinkTarget(path, entry.target);
      } catch (error) {
        if (!(error instanceof UnsafeArchiveEntryError)) throw error;
        reason = error.reason;
      }
    }
    if (reason === undefined) continue;
    skipped.add(path, reason);
    remote.tree.delete(path);
    local.tree.delete(path);
    leftOut.push(path);
  }
  return leftOut;
}
