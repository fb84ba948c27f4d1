import { AgentkernelError, BackendError, SyncConflictError } from '../errors/errors.js';
import { registeredSecrets } from '../errors/redactor.js';
import { join } from 'node:path';
import { observe, readRootRules, unchanged } from './observe.js';
import { packPaths } from './pack.js';
import { planSync } from './planner.js';
import { CHMOD_SCRIPT, DELETE_SCRIPT } from './remote-script.js';
import { scriptFailure } from './remote-list.js';
import { digestFile } from './hash.js';
import { costlyMark, localFingerprint, readQuickCheck, writeQuickCheck } from './quick-check.js';
import { newReport, quickReport, quietReport } from './report.js';
import { cleanTempFiles } from './local-index.js';
import { HOLDS_SECRET } from './secrets.js';
import { SkipLog } from './skipped.js';
import {
  localFileCache,
  remoteFileCache,
  saveManifest,
  type BaseEntry,
  type StatCache,
} from './sync-manifest.js';
import type { SyncOptions, SyncReport, Tree, TreeEntry } from './types.js';

/**
 * Sends what changed locally since the last sync: one delete list (one exec), then one gzip tar of
 * new and changed files (one `putArchive`). Changes made only in the sandbox are left for a pull.
 * On a first sync (no manifest) local files win over different sandbox files; sandbox-only files stay.
 */
export async function pushWorkspace(options: SyncOptions): Promise<SyncReport> {
  const started = performance.now();
  const { handle, localDir, workspaceDir, signal } = options;
  const backend = handle.ref.backend;
  const skipped = new SkipLog(options, 'not pushed:');
  const quick = options.dryRun ? undefined : await readQuickCheck(options);
  const rootRules = await readRootRules(localDir);
  // Taken before the scan: whatever changes after it changes the fingerprint too.
  const fingerprint = localFingerprint(localDir, rootRules.pruneNames());
  if (quick?.local !== undefined && fingerprint?.value === quick.local)
    return quickReport('push', options, started);
  const observed = await observe(options, rootRules, true);
  const { local, remote, manifest } = observed;
  for (const path of local.withSecrets) skipped.add(path, HOLDS_SECRET);
  // Only a local folder that matches the base, with nothing left out, may be skipped next time.
  const settledLocal = (base: ReadonlyMap<string, BaseEntry>): string | undefined =>
    fingerprint?.settled && skipped.entries.length === 0 && unchanged(local.tree, base)
      ? fingerprint.value
      : undefined;
  if (!remote) {
    skipped.finish();
    if (!options.dryRun)
      await writeQuickCheck(options, quick, true, { local: settledLocal(manifest.entries) });
    return { ...quietReport('push', options, started), skipped: skipped.entries };
  }
  const prefer = options.prefer ?? (manifest ? undefined : 'local');
  const plan = (): ReturnType<typeof planSync> =>
    planSync({
      direction: 'push',
      base: manifest?.entries ?? new Map(),
      local: local.tree,
      remote: remote.tree,
      prefer,
    });
  let result = plan();
  // Files sent on their cached digest were not read by this scan: check them before they leave.
  const unchecked = result.plan.upload.filter(
    (p) => !local.checked.has(p) && local.tree.get(p)?.kind === 'file',
  );
  const secrets = options.secrets ?? registeredSecrets();
  if (unchecked.length > 0 && secrets.length > 0) {
    const holding = await filesHoldingSecrets(localDir, unchecked, secrets, signal);
    for (const path of holding) {
      skipped.add(path, HOLDS_SECRET);
      local.tree.delete(path);
      remote.tree.delete(path);
    }
    if (holding.length > 0) result = plan();
  }
  skipped.finish();
  const report = newReport('push', options, result.plan);
  report.skipped = skipped.entries;
  if (result.plan.conflicts.length > 0 && !options.dryRun)
    throw new SyncConflictError(result.plan.conflicts, { backend });
  if (options.dryRun) return { ...report, durationMs: performance.now() - started };
  const { plan: actions } = result;

  await cleanTempFiles(localDir, local.tempFiles);
  if (actions.deleteRemote.length > 0) {
    signal?.throwIfAborted();
    options.onProgress?.({ phase: 'delete', bytesDone: 0 });
    const stdin = Buffer.from(actions.deleteRemote.map((p) => `./${p}\0`).join(''));
    const run = await handle.exec(['sh', '-c', DELETE_SCRIPT, 'agentkernel-delete', workspaceDir], {
      cwd: '/',
      stdin,
      signal,
    });
    if (run.exitCode !== 0)
      throw scriptFailure(handle, 'delete files', workspaceDir, run.exitCode, run.stderr);
    report.bytesSent += stdin.length;
    report.deleted = run.stdout.length;
  }
  if (actions.upload.length > 0) {
    signal?.throwIfAborted();
    const bytesTotal = actions.upload.reduce((sum, p) => sum + (local.tree.get(p)?.size ?? 0), 0);
    const packed = await packPaths(localDir, actions.upload, (bytesDone) =>
      options.onProgress?.({ phase: 'upload', bytesDone, bytesTotal }),
    );
    try {
      await handle.putArchive(workspaceDir, packed.stream);
    } catch (error) {
      packed.stream.destroy();
      if (AgentkernelError.isInstance(error)) throw error;
      throw new BackendError(
        backend,
        `could not upload ${actions.upload.length} files to ${workspaceDir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    report.bytesSent += packed.compressedBytes();
    report.filesSent = actions.upload.length;
    // An upload merges into folders that exist and keeps their mode: a changed mode is set here.
    await fixFolderModes(
      options,
      actions.upload.filter((p) => needsModeFix(local.tree.get(p), remote.tree.get(p))),
      local.tree,
    );
  }

  // The sandbox's tar keeps the archive's mtimes, so the next listing can trust these digests.
  const remoteCache: StatCache = remoteFileCache(remote.tree);
  for (const path of actions.deleteRemote) remoteCache.delete(path);
  for (const path of actions.upload) {
    const entry = local.tree.get(path);
    if (entry?.kind === 'file' && entry.sha256)
      remoteCache.set(path, [entry.size, Math.floor(entry.mtimeMs / 1000), entry.sha256]);
  }
  const next = {
    workspaceDir,
    remoteClock: remote.clock,
    entries: result.nextBase,
    local: localFileCache(local.tree),
    remote: remoteCache,
  };
  const baseKept = await saveManifest(options.manifestFile, manifest, next, costlyMark(remote));
  await writeQuickCheck(options, quick, baseKept, { local: settledLocal(result.nextBase) });
  return { ...report, durationMs: performance.now() - started };
}

/**
 * Folders whose mode the archive cannot set: one that already exists in the sandbox (the upload merges
 * into it), and one node-tar writes as listable where it is not (read implies execute there).
 */
function needsModeFix(entry: TreeEntry | undefined, remote: TreeEntry | undefined): boolean {
  if (entry?.kind !== 'dir') return false;
  if (remote?.kind === 'dir') return true;
  const { mode } = entry;
  return (
    ((mode & 0o400) !== 0 && (mode & 0o100) === 0) ||
    ((mode & 0o40) !== 0 && (mode & 0o10) === 0) ||
    ((mode & 0o4) !== 0 && (mode & 0o1) === 0)
  );
}

async function fixFolderModes(options: SyncOptions, paths: readonly string[], tree: Tree): Promise<void> {
  if (paths.length === 0) return;
  const args = paths.flatMap((p) => [(tree.get(p)?.mode ?? 0o755).toString(8), `./${p}`]);
  const { handle, workspaceDir, signal } = options;
  const run = await handle.exec(['sh', '-c', CHMOD_SCRIPT, 'agentkernel-chmod', workspaceDir, ...args], {
    cwd: '/',
    signal,
  });
  if (run.exitCode !== 0)
    throw scriptFailure(handle, 'set folder modes', workspaceDir, run.exitCode, run.stderr);
}

async function filesHoldingSecrets(
  root: string,
  paths: readonly string[],
  secrets: readonly string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const holding: string[] = [];
  for (const path of paths) {
    if ((await digestFile(join(root, path), secrets, signal)).holdsSecret) holding.push(path);
  }
  return holding;
}
