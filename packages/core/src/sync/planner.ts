import { toBase, type BaseEntry } from './sync-manifest.js';
import type { SyncPlan, Tree, TreeEntry } from './types.js';

export interface PlanInput {
  direction: 'push' | 'pull';
  /** The last-synced state; empty on a first sync. */
  base: ReadonlyMap<string, BaseEntry>;
  local: Tree;
  remote: Tree;
  /** Which side wins a path changed differently on both sides. */
  prefer?: 'local' | 'remote';
}

export interface PlanResult {
  plan: SyncPlan;
  localChanged: string[];
  remoteChanged: string[];
  /**
   * The base to record once every action of the plan has been applied. A downloaded file whose
   * sandbox digest was unknown gets its digest from the download.
   */
  nextBase: Map<string, BaseEntry>;
}

type State = BaseEntry | TreeEntry | undefined;

/** Whether two states hold the same content; a file without a known digest equals nothing. */
export function sameContent(a: State, b: State): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'symlink') return a.target === b.target;
  if (a.kind === 'dir') return a.mode === b.mode;
  return a.sha256 !== undefined && a.sha256 === b.sha256 && a.mode === b.mode;
}

/**
 * The three-way comparison against the last-synced base. A push sends what changed locally, a pull
 * brings what changed in the sandbox; a path changed differently on both sides is a conflict unless
 * `prefer` names the winner. Folders never conflict (the side being synced from wins their mode).
 * When the winner is not the side being synced from, the base is set to the loser's state, so the
 * next sync in the other direction carries the winner over.
 */
export function planSync(input: PlanInput): PlanResult {
  const { direction, base, local, remote } = input;
  const plan: SyncPlan = { upload: [], download: [], deleteRemote: [], deleteLocal: [], conflicts: [] };
  const localChanged: string[] = [];
  const remoteChanged: string[] = [];
  const nextBase = new Map(base);
  const setBase = (path: string, state: State): void => {
    if (state === undefined) nextBase.delete(path);
    else nextBase.set(path, 'size' in state ? toBase(state) : state);
  };

  const paths = new Set([...base.keys(), ...local.keys(), ...remote.keys()]);
  for (const path of [...paths].sort()) {
    const b = base.get(path);
    const l = local.get(path);
    const r = remote.get(path);
    const lc = !sameContent(l, b);
    const rc = !sameContent(r, b);
    if (!lc && !rc) continue;
    if (lc) localChanged.push(path);
    if (rc) remoteChanged.push(path);

    let winner: 'local' | 'remote';
    if (lc && rc) {
      if (sameContent(l, r)) {
        setBase(path, l);
        continue;
      }
      const folders = l?.kind === 'dir' && r?.kind === 'dir';
      const choice = input.prefer ?? (folders ? (direction === 'push' ? 'local' : 'remote') : undefined);
      if (!choice) {
        plan.conflicts.push(path);
        continue;
      }
      winner = choice;
    } else {
      winner = lc ? 'local' : 'remote';
    }

    if (direction === 'push') {
      if (winner === 'remote') {
        // Not sent now: recording the local state as the base makes the next pull bring the sandbox's.
        if (lc) setBase(path, l);
        continue;
      }
      if (l) {
        plan.upload.push(path);
        if (r && r.kind !== l.kind) plan.deleteRemote.push(path);
      } else if (r) {
        plan.deleteRemote.push(path);
      }
      setBase(path, l);
    } else {
      if (winner === 'local') {
        if (rc) setBase(path, r);
        continue;
      }
      if (r) {
        plan.download.push(path);
        if (l && l.kind !== r.kind) plan.deleteLocal.push(path);
      } else if (l) {
        plan.deleteLocal.push(path);
      }
      setBase(path, r);
    }
  }
  // Children before their parents, so folders are empty when their turn comes.
  plan.deleteRemote.sort().reverse();
  plan.deleteLocal.sort().reverse();
  return { plan, localChanged, remoteChanged, nextBase };
}
