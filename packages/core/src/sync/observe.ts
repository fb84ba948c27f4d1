import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registeredSecrets } from '../errors/redactor.js';
import { createIgnoreRules, IGNORE_FILES, type IgnoreRules, type PruneName } from './ignore-rules.js';
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
 * Reads the manifest, scans the local folder and lists the sandbox concurrently, drops what either
 * side's rules ignore, and fetches the sandbox digests a conflict decision needs but the listing
 * skipped. With `localOnly`, the sandbox is listed only once a local change shows: when nothing changed
 * locally since the last sync, a push has nothing to send whatever the sandbox holds.
 */
export async function observe(options: SyncOptions, rootRules?: IgnoreRules): Promise<Observed>;
export async function observe(
  options: SyncOptions,
  rootRules: IgnoreRules | undefined,
  localOnly: true,
): Promise<Observed | LocalOnly>;
export async function observe(
  options: SyncOptions,
  rootRules?: IgnoreRules,
  localOnly = false,
): Promise<Observed | LocalOnly> {
  const { handle, localDir, workspaceDir, signal } = options;
  const manifest = await readSyncManifest(options.manifestFile, workspaceDir);
  // The root rule files decide what the listing may prune, so it can start before the walk.
  rootRules ??= await readRootRules(localDir);
  const list = (prune: PruneName[]): Promise<RemoteListing> =>
    listRemote(handle, workspaceDir, {
      since: manifest?.remoteClock ?? 0,
      prune,
      cache: manifest?.remote,
      timeoutMs: options.listTimeoutMs,
      signal,
    });
  const prune = rootRules.pruneNames();
  let listing: Promise<RemoteListing> | undefined;
  const startListing = (): void => {
    listing ??= list(prune);
    listing.catch(() => undefined);
  };

  options.onProgress?.({ phase: 'scan', bytesDone: 0 });
  // A push with a manifest lists the sandbox only once a local change shows; anything else lists at once.
  const skippable = localOnly && manifest !== undefined;
  if (!skippable) startListing();
  const localRules = await createIgnoreRules();
  const local = await scanLocal(localDir, {
    rules: localRules,
    cache: manifest?.local,
    secrets: options.secrets ?? registeredSecrets(),
    signal,
    onStatChange: startListing,
    afterWalk: (toHash) => {
      if (toHash > 0) startListing();
    },
  });
  if (skippable && listing === undefined && unchanged(local.tree, manifest.entries))
    return { manifest, local, remote: undefined };
  startListing();
  let remote = await (listing as Promise<RemoteListing>);
  // Nested rule files found by the walk may re-include a pruned name: list again without it then.
  const allowed = localRules.pruneNames();
  if (!prune.every((p) => allowed.some((a) => a.name === p.name && a.dirOnly === p.dirOnly)))
    remote = await list(allowed);

  const remoteRules = await createIgnoreRules();
  for (const file of remote.ruleFiles) remoteRules.addFile(file.dir, file.name, file.content);
  // Usually both sides hold the same rule files; then the local walk already applied them all.
  const sameRules = sameKeys(localRules.fileKeys(), remoteRules.fileKeys());
  if (!sameRules) filterTree(local.tree, [remoteRules]);
  const rules = sameRules ? [localRules] : [localRules, remoteRules];
  filterTree(remote.tree, rules);
  // A local file holding a credential is treated as ignored on both sides: never sent, never replaced.
  for (const path of local.withSecrets) remote.tree.delete(path);
  remote.unsyncable = remote.unsyncable.filter(
    (entry) => !rules.some((r) => r.ignores(entry.path ?? entry.raw.toString('utf8'), false)),
  );

  const base = manifest?.entries;
  const needDigest: string[] = [];
  for (const [path, r] of remote.tree) {
    const l = local.tree.get(path);
    if (r.kind === 'file' && r.sha256 === undefined && l?.kind === 'file' && !sameContent(l, base?.get(path)))
      needDigest.push(path);
  }
  if (needDigest.length > 0) {
    const hashOptions = { signal, timeoutMs: options.listTimeoutMs };
    for (const [path, digest] of await hashRemote(handle, workspaceDir, needDigest, hashOptions)) {
      const entry = remote.tree.get(path);
      if (entry) entry.sha256 = digest;
    }
  }
  return { manifest, local, remote };
}

/** The rule files at the root of the local folder, which alone decide what a listing may prune. */
export async function readRootRules(localDir: string): Promise<IgnoreRules> {
  const rules = await createIgnoreRules();
  for (const name of IGNORE_FILES) {
    const content = await readFile(join(localDir, name), 'utf8').catch(() => undefined);
    if (content !== undefined) rules.addFile('', name, content);
  }
  return rules;
}

/** Whether a tree is exactly the last-synced base. */
export function unchanged(tree: Tree, base: ReadonlyMap<string, BaseEntry>): boolean {
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
