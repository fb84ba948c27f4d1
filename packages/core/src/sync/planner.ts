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
 * The three-way comparison against the last-synced base. A push sends what changed locally (the
 * source) to the sandbox (the target), a pull the reverse. A path is a conflict when both sides changed
 * it differently, or when one side turned a folder into a file or symlink while the other changed
 * something inside it; `prefer` names the winner, otherwise conflicts stop the sync. Folders never
 * conflict with folders (the source wins their mode). When the target side wins, nothing is sent and
 * the base takes the source's state, so the next sync in the other direction carries the winner over.
 */
export function planSync(input: PlanInput): PlanResult {
  const { direction, base, local, remote } = input;
  const push = direction === 'push';
  const [source, target] = push ? [local, remote] : [remote, local];
  const plan: SyncPlan = { upload: [], download: [], deleteRemote: [], deleteLocal: [], conflicts: [] };
  const writes = push ? plan.upload : plan.download;
  const deletes = push ? plan.deleteRemote : plan.deleteLocal;
  const localChanged: string[] = [];
  const remoteChanged: string[] = [];
  const nextBase = new Map(base);
  const setBase = (path: string, state: State): void => {
    if (state === undefined) nextBase.delete(path);
    else nextBase.set(path, 'size' in state ? toBase(state) : state);
  };

  const paths = [...new Set([...base.keys(), ...local.keys(), ...remote.keys()])].sort();
  // Folders holding a changed path, per side.
  const localBelow = new Set<string>();
  const remoteBelow = new Set<string>();
  for (const path of paths) {
    if (!sameContent(local.get(path), base.get(path))) for (const a of ancestorsOf(path)) localBelow.add(a);
    if (!sameContent(remote.get(path), base.get(path))) for (const a of ancestorsOf(path)) remoteBelow.add(a);
  }
  // Paths that will be a file or symlink on the target: nothing can exist below them there.
  const leafOnTarget = new Set<string>();
  // Conflicts settled by `prefer` for a side that has nothing there: that side's absence wins the whole
  // subtree, or a change below (a new file in a folder the winner deleted) would bring the folder back.
  const absentWinner = new Map<string, 'local' | 'remote'>();

  for (const path of paths) {
    const inBase = base.get(path);
    const inLocal = local.get(path);
    const inRemote = remote.get(path);
    const inSource = source.get(path);
    const inTarget = target.get(path);
    const localChange = !sameContent(inLocal, inBase);
    const remoteChange = !sameContent(inRemote, inBase);
    if (localChange) localChanged.push(path);
    if (remoteChange) remoteChanged.push(path);

    const structural =
      (localChange && isLeaf(inLocal) && inRemote?.kind === 'dir' && remoteBelow.has(path)) ||
      (remoteChange && isLeaf(inRemote) && inLocal?.kind === 'dir' && localBelow.has(path));
    let winner: 'local' | 'remote' | undefined =
      localChange && !remoteChange ? 'local' : remoteChange && !localChange ? 'remote' : undefined;
    const inherited =
      absentWinner.size > 0
        ? ancestorsOf(path)
            .map((a) => absentWinner.get(a))
            .find((w) => w)
        : undefined;
    if (inherited && (localChange || remoteChange)) {
      winner = sameContent(inLocal, inRemote) ? undefined : inherited;
    } else if ((localChange && remoteChange) || structural) {
      if (sameContent(inLocal, inRemote)) winner = undefined;
      else {
        const folders = inLocal?.kind === 'dir' && inRemote?.kind === 'dir';
        const choice = input.prefer ?? (folders ? (push ? 'local' : 'remote') : undefined);
        if (!choice) {
          plan.conflicts.push(path);
          continue;
        }
        winner = choice;
        if ((choice === 'local' ? inLocal : inRemote) === undefined) absentWinner.set(path, choice);
      }
    }

    if (leafOnTarget.size > 0 && ancestorsOf(path).some((a) => leafOnTarget.has(a))) {
      // The target will hold a file or symlink above: it must not keep anything here, and nothing is sent.
      if (inTarget) deletes.push(path);
      setBase(path, inTarget ? undefined : inSource);
      continue;
    }
    if (!localChange && !remoteChange) {
      if (isLeaf(inTarget)) leafOnTarget.add(path);
      continue;
    }
    if (winner === undefined) {
      // Changed identically on both sides.
      setBase(path, inLocal);
      if (isLeaf(inLocal)) leafOnTarget.add(path);
      continue;
    }
    const sourceWins = winner === (push ? 'local' : 'remote');
    if (!sourceWins) {
      if (push ? localChange : remoteChange) setBase(path, inSource);
      if (isLeaf(inTarget)) leafOnTarget.add(path);
      continue;
    }
    if (inSource) {
      writes.push(path);
      if (inTarget && inTarget.kind !== inSource.kind) deletes.push(path);
    } else if (inTarget) {
      deletes.push(path);
    }
    setBase(path, inSource);
    if (isLeaf(inSource)) leafOnTarget.add(path);
  }
  // Children before their parents, so folders are empty when their turn comes.
  plan.deleteRemote.sort().reverse();
  plan.deleteLocal.sort().reverse();
  return { plan, localChanged, remoteChanged, nextBase };
}

function isLeaf(state: State): boolean {
  return state?.kind === 'file' || state?.kind === 'symlink';
}

/** Proper ancestors of a path: `a/b/c` gives `a`, `a/b`. */
function ancestorsOf(path: string): string[] {
  const result: string[] = [];
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) result.push(path.slice(0, i));
  return result;
}
