import { createIgnoreRules, type IgnoreRules } from './ignore-rules.js';
import { scanLocal, type LocalScan } from './local-index.js';
import { sameContent } from './planner.js';
import { hashRemote, listRemote, type RemoteListing } from './remote-list.js';
import { readSyncManifest, type BaseEntry, type SyncManifest } from './sync-manifest.js';
import type { SyncOptions, Tree } from './types.js';

/** Both sides observed, filtered by the ignore rules of both, ready to plan. */
export interface Observed {
  manifest: SyncManifest | undefined;
  local: LocalScan;
  remote: RemoteListing;
}

/** Only the local side: nothing changed there since the last sync, so the sandbox was not listed. */
export interface LocalOnly {
  manifest: SyncManifest;
  local: LocalScan;
  remote: undefined;
}

/**
 * Reads the manifest, scans the local folder and lists the sandbox (the listing starts as soon as the
 * local walk has found every rule file, and runs while changed local files are hashed), drops what
 * either side's rules ignore, and fetches the sandbox digests a conflict decision needs but the listing
 * skipped. With `localOnly`, a sandbox that has nothing to receive is not listed at all: when nothing
 * changed locally since the last sync, a push has nothing to send whatever the sandbox holds.
 */
export async function observe(options: SyncOptions): Promise<Observed>;
export async function observe(options: SyncOptions, localOnly: true): Promise<Observed | LocalOnly>;
export async function observe(options: SyncOptions, localOnly = false): Promise<Observed | LocalOnly> {
  const { handle, localDir, workspaceDir, signal } = options;
  const manifest = await readSyncManifest(options.manifestFile, workspaceDir);
  const localRules = await createIgnoreRules();
  let listing: Promise<RemoteListing> | undefined;
  const startListing = (): Promise<RemoteListing> =>
    (listing ??= listRemote(handle, workspaceDir, { since: manifest?.remoteClock ?? 0, prune: localRules.pruneNames(), cache: manifest?.remote, signal }));

  options.onProgress?.({ phase: 'scan', bytesDone: 0 });
  const skippable = localOnly && manifest !== undefined;
  const local = await scanLocal(localDir, {
    rules: localRules,
    cache: manifest?.local,
    signal,
    afterWalk: (toHash) => {
      // Listing while hashing saves time; when nothing needs hashing the decision below is immediate.
      if (!skippable || toHash > 0) void startListing().catch(() => undefined);
    },
  });
  if (skippable && listing === undefined && unchanged(local.tree, manifest.entries)) return { manifest, local, remote: undefined };
  const remote = await startListing();

  const remoteRules = await createIgnoreRules();
  for (const file of remote.ruleFiles) remoteRules.addFile(file.dir, file.name, file.content);
  // Usually both sides hold the same rule files; then the local walk already applied them all.
  const sameRules = sameKeys(localRules.fileKeys(), remoteRules.fileKeys());
  if (!sameRules) filterTree(local.tree, [remoteRules]);
  filterTree(remote.tree, sameRules ? [localRules] : [localRules, remoteRules]);

  const base = manifest?.entries;
  const needDigest: string[] = [];
  for (const [path, r] of remote.tree) {
    const l = local.tree.get(path);
    if (r.kind === 'file' && r.sha256 === undefined && l?.kind === 'file' && !sameContent(l, base?.get(path))) needDigest.push(path);
  }
  if (needDigest.length > 0) {
    for (const [path, digest] of await hashRemote(handle, workspaceDir, needDigest, signal)) {
      const entry = remote.tree.get(path);
      if (entry) entry.sha256 = digest;
    }
  }
  return { manifest, local, remote };
}

/** Whether the local tree is exactly the last-synced base. */
function unchanged(tree: Tree, base: ReadonlyMap<string, BaseEntry>): boolean {
  if (tree.size !== base.size) return false;
  for (const [path, entry] of tree) if (!sameContent(entry, base.get(path))) return false;
  return true;
}

function sameKeys(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((key) => b.has(key));
}

function filterTree(tree: Tree, rules: readonly IgnoreRules[]): void {
  for (const [path, entry] of tree) {
    if (rules.some((r) => r.ignores(path, entry.kind === 'dir'))) tree.delete(path);
  }
}
