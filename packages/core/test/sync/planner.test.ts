import { describe, expect, it } from 'vitest';
import { planSync, sameContent } from '../../src/sync/planner.js';
import type { BaseEntry } from '../../src/sync/sync-manifest.js';
import type { Tree, TreeEntry } from '../../src/sync/types.js';

const file = (sha256: string | undefined, mode = 0o644): TreeEntry => ({
  kind: 'file',
  mode,
  size: 1,
  mtimeMs: 0,
  ...(sha256 ? { sha256 } : {}),
});
const dir = (mode = 0o755): TreeEntry => ({ kind: 'dir', mode, size: 0, mtimeMs: 0 });
const link = (target: string): TreeEntry => ({ kind: 'symlink', mode: 0, size: 0, mtimeMs: 0, target });
const tree = (entries: Record<string, TreeEntry>): Tree => new Map(Object.entries(entries));
const base = (entries: Record<string, BaseEntry>): Map<string, BaseEntry> => new Map(Object.entries(entries));
const B = (sha256: string, mode = 0o644): BaseEntry => ({ kind: 'file', mode, sha256 });

describe('sameContent', () => {
  it('compares digests and modes of files, targets of symlinks, modes of folders', () => {
    expect(sameContent(file('a'), B('a'))).toBe(true);
    expect(sameContent(file('a', 0o755), B('a'))).toBe(false);
    expect(sameContent(file('a'), B('b'))).toBe(false);
    expect(sameContent(file(undefined), B('a'))).toBe(false); // unknown digest counts as changed
    expect(sameContent(link('x'), { kind: 'symlink', mode: 0, target: 'x' })).toBe(true);
    expect(sameContent(link('x'), link('y'))).toBe(false);
    expect(sameContent(dir(), { kind: 'dir', mode: 0o755 })).toBe(true);
    expect(sameContent(dir(), file('a'))).toBe(false);
    expect(sameContent(undefined, undefined)).toBe(true);
  });
});

describe('planSync', () => {
  const b = base({
    same: B('s'),
    edited: B('e0'),
    gone: B('g'),
    theirs: B('t0'),
    both: B('b0'),
    converged: B('c0'),
    dropped: B('d0'),
  });
  const local = tree({
    same: file('s'),
    edited: file('e1'),
    theirs: file('t0'),
    both: file('b1'),
    converged: file('c1'),
    dropped: file('d0'),
    fresh: file('f'),
  });
  const remote = tree({
    same: file('s'),
    edited: file('e0'),
    gone: file('g'),
    theirs: file('t1'),
    both: file('b2'),
    converged: file('c1'),
    newRemote: file('n'),
  });

  it('push sends local changes, keeps sandbox-only changes, and stops on conflicts', () => {
    const { plan, localChanged, remoteChanged } = planSync({ direction: 'push', base: b, local, remote });
    expect(plan.upload).toEqual(['edited', 'fresh']);
    expect(plan.deleteRemote).toEqual(['gone']);
    expect(plan.conflicts).toEqual(['both']);
    expect(plan.download).toEqual([]);
    expect(localChanged).toEqual(['both', 'converged', 'edited', 'fresh', 'gone']);
    expect(remoteChanged).toEqual(['both', 'converged', 'dropped', 'newRemote', 'theirs']);
  });

  it('pull brings sandbox changes and deletions, and keeps local-only changes', () => {
    const { plan, nextBase } = planSync({ direction: 'pull', base: b, local, remote });
    expect(plan.download).toEqual(['newRemote', 'theirs']);
    expect(plan.deleteLocal).toEqual(['dropped']);
    expect(plan.conflicts).toEqual(['both']);
    expect(nextBase.get('converged')).toEqual(B('c1'));
    expect(nextBase.get('edited')).toEqual(B('e0')); // local-only change stays pending for a push
    expect(nextBase.has('dropped')).toBe(false);
  });

  it('prefer local on push sends the local side of a conflict', () => {
    const { plan, nextBase } = planSync({ direction: 'push', base: b, local, remote, prefer: 'local' });
    expect(plan.upload).toContain('both');
    expect(plan.conflicts).toEqual([]);
    expect(nextBase.get('both')).toEqual(B('b1'));
  });

  it('prefer remote on push leaves the conflict for the next pull to bring', () => {
    const first = planSync({ direction: 'push', base: b, local, remote, prefer: 'remote' });
    expect(first.plan.upload).not.toContain('both');
    const next = planSync({ direction: 'pull', base: first.nextBase, local, remote });
    expect(next.plan.download).toContain('both');
    expect(next.plan.conflicts).toEqual([]);
  });

  it('prefer local on pull keeps the local file and makes the next push send it', () => {
    const first = planSync({ direction: 'pull', base: b, local, remote, prefer: 'local' });
    expect(first.plan.download).not.toContain('both');
    const next = planSync({ direction: 'push', base: first.nextBase, local, remote });
    expect(next.plan.upload).toContain('both');
    expect(next.plan.conflicts).toEqual([]);
  });

  it('a local delete against a sandbox edit is a conflict', () => {
    const { plan } = planSync({
      direction: 'push',
      base: base({ f: B('0') }),
      local: tree({}),
      remote: tree({ f: file('1') }),
    });
    expect(plan.conflicts).toEqual(['f']);
  });

  it('first pull: brings sandbox-only files, keeps local-only ones, conflicts on different content', () => {
    const { plan } = planSync({
      direction: 'pull',
      base: new Map(),
      local: tree({ mine: file('m'), equal: file('q'), differ: file('x') }),
      remote: tree({ theirs: file('t'), equal: file('q'), differ: file('y') }),
    });
    expect(plan.download).toEqual(['theirs']);
    expect(plan.deleteLocal).toEqual([]);
    expect(plan.conflicts).toEqual(['differ']);
  });

  it('deletes children before parents and replaces a path whose kind changed', () => {
    const { plan } = planSync({
      direction: 'push',
      base: base({ d: { kind: 'dir', mode: 0o755 }, 'd/x': B('x'), 'd/y': B('y'), p: B('p') }),
      local: tree({ p: dir(), 'p/inner': file('i') }),
      remote: tree({ d: dir(), 'd/x': file('x'), 'd/y': file('y'), p: file('p') }),
    });
    expect(plan.deleteRemote).toEqual(['p', 'd/y', 'd/x', 'd']);
    expect(plan.upload).toEqual(['p', 'p/inner']);
  });

  it('folders never conflict: the side being synced from wins the mode', () => {
    const input = {
      base: base({ d: { kind: 'dir', mode: 0o755 } }),
      local: tree({ d: dir(0o700) }),
      remote: tree({ d: dir(0o775) }),
    };
    expect(planSync({ ...input, direction: 'push' }).plan).toMatchObject({ upload: ['d'], conflicts: [] });
    expect(planSync({ ...input, direction: 'pull' }).plan).toMatchObject({ download: ['d'], conflicts: [] });
  });

  it('a folder turned into a file on one side conflicts with changes inside it on the other', () => {
    const input = {
      base: base({ d: { kind: 'dir', mode: 0o755 } }),
      local: tree({ d: dir(), 'd/new.txt': file('n') }),
      remote: tree({ d: link('elsewhere') }),
    };
    expect(planSync({ ...input, direction: 'push' }).plan.conflicts).toEqual(['d']);
    expect(planSync({ ...input, direction: 'pull' }).plan.conflicts).toEqual(['d']);
    // Preferring the sandbox: the push leaves d alone and the next pull replaces the local folder.
    const push = planSync({ ...input, direction: 'push', prefer: 'remote' });
    expect(push.plan).toMatchObject({ upload: [], deleteRemote: [], conflicts: [] });
    const pull = planSync({ ...input, base: push.nextBase, direction: 'pull' });
    expect(pull.plan).toMatchObject({ download: ['d'], deleteLocal: ['d/new.txt', 'd'], conflicts: [] });
    // Preferring local: the folder and its new file replace the sandbox's symlink.
    expect(planSync({ ...input, direction: 'push', prefer: 'local' }).plan).toMatchObject({
      upload: ['d', 'd/new.txt'],
      deleteRemote: ['d'],
    });
  });

  it('a folder deleted on the winning side of a conflict takes the changes inside it from the other side with it', () => {
    // Found by the property test: local deleted d; the sandbox changed d's mode and made d/e.
    const was = base({
      d: { kind: 'dir', mode: 0o755 },
      'd/s': { kind: 'dir', mode: 0o755 },
      'd/s/t': B('t'),
    });
    const local = tree({});
    const remote = tree({ d: dir(0o644), 'd/e': dir(), 'd/s': dir(), 'd/s/t': file('t') });

    const push = planSync({ direction: 'push', base: was, local, remote, prefer: 'local' });
    expect(push.plan.upload).toEqual([]);
    expect(push.plan.deleteRemote).toEqual(['d/s/t', 'd/s', 'd/e', 'd']);

    const pull = planSync({ direction: 'pull', base: was, local, remote, prefer: 'local' });
    expect(pull.plan.download).toEqual([]);
    expect(pull.plan.deleteLocal).toEqual([]);
    // The next push then deletes what the sandbox still has.
    const next = planSync({ direction: 'push', base: pull.nextBase, local, remote, prefer: 'local' });
    expect(next.plan.deleteRemote).toEqual(['d/s/t', 'd/s', 'd/e', 'd']);
    expect(next.plan.conflicts).toEqual([]);
  });

  it('nothing is pulled below a path that stays a file locally', () => {
    const { plan } = planSync({
      direction: 'pull',
      base: new Map(),
      local: tree({ d: link('a') }),
      remote: tree({ d: dir(), 'd/s': dir(), 'd/s/t': link('a') }),
      prefer: 'local',
    });
    expect(plan).toMatchObject({ download: [], deleteLocal: [], conflicts: [] });
  });

  it('a sandbox file with an unknown digest counts as changed', () => {
    const { plan } = planSync({
      direction: 'pull',
      base: base({ f: B('a') }),
      local: tree({ f: file('a') }),
      remote: tree({ f: file(undefined) }),
    });
    expect(plan.download).toEqual(['f']);
  });
});
