import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createIgnoreRules, IGNORE_FILES, type IgnoreRules } from './ignore-rules.js';
import { scanLocal, type LocalScan } from './local-index.js';
import { sameContent } from './planner.js';
import { hashRemote, listRemote, type RemoteListing } from './remote-list.js';
import { readSyncManifest, type SyncManifest } from './sync-manifest.js';
import type { SyncOptions, Tree } from './types.js';

/** Both sides observed, filtered by the ignore rules of both, ready to plan. */
export interface Observed {
  manifest: SyncManifest | undefined;
  local: LocalScan;
  remote: RemoteListing;
}

/**
 * Reads the manifest, scans the local folder and lists the sandbox (concurrently), drops what either
 * side's rules ignore, and fetches the sandbox digests a conflict decision needs but the listing skipped.
 */
export async function observe(options: SyncOptions): Promise<Observed> {
  const { handle, localDir, workspaceDir, signal } = options;
  const manifest = await readSyncManifest(options.manifestFile, workspaceDir);
  const localRules = await createIgnoreRules();
  for (const name of IGNORE_FILES) {
    const content = await readFile(join(localDir, name), 'utf8').catch(() => undefined);
    if (content !== undefined) localRules.addFile('', name, content);
  }
  const list = (prune: { name: string; dirOnly: boolean }[]): Promise<RemoteListing> =>
    listRemote(handle, workspaceDir, { since: manifest?.remoteClock ?? 0, prune, cache: manifest?.remote, signal });

  options.onProgress?.({ phase: 'scan', bytesDone: 0 });
  const prune = localRules.pruneNames();
  const [local, firstListing] = await Promise.all([
    scanLocal(localDir, { rules: localRules, cache: manifest?.local, signal }),
    list(prune),
  ]);
  // Nested rule files found by the walk may re-include a pruned name; list again without it then.
  const allowed = new Set(localRules.pruneNames().map((p) => `${p.dirOnly}:${p.name}`));
  const stillValid = prune.every((p) => allowed.has(`${p.dirOnly}:${p.name}`));
  const remote = stillValid ? firstListing : await list(localRules.pruneNames());

  const remoteRules = await createIgnoreRules();
  for (const file of remote.ruleFiles) remoteRules.addFile(file.dir, file.name, file.content);
  filterTree(local.tree, [remoteRules]);
  filterTree(remote.tree, [localRules, remoteRules]);

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

function filterTree(tree: Tree, rules: readonly IgnoreRules[]): void {
  for (const [path, entry] of tree) {
    if (rules.some((r) => r.ignores(path, entry.kind === 'dir'))) tree.delete(path);
  }
}
