import { chmod, lstat, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pullWorkspace, pushWorkspace, syncStatus, SyncConflictError } from '@agentkernel/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBed, describeLocal, describeRemote, sandboxSh, type SyncBed } from './sync-fixtures.js';

/** A small universe of paths, so both sides often touch the same ones (and their parents). */
const PATHS = ['a', 'b', 'd', 'd/c', 'd/e', 'd/s/t', 'x y', 'ü'];
const MODES = [0o644, 0o600, 0o755];

type Edit =
  | { op: 'write'; path: string; content: string }
  | { op: 'mkdir'; path: string }
  | { op: 'delete'; path: string }
  | { op: 'rename'; path: string; to: string }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'symlink'; path: string; target: string };

const path = fc.constantFrom(...PATHS);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), path, content: fc.constantFrom('1', '2', 'three', '') }),
  fc.record({ op: fc.constant('mkdir' as const), path }),
  fc.record({ op: fc.constant('delete' as const), path }),
  fc.record({ op: fc.constant('rename' as const), path, to: path }),
  fc.record({ op: fc.constant('chmod' as const), path, mode: fc.constantFrom(...MODES) }),
  // Targets are plain names, resolved beside the link: always inside the workspace.
  fc.record({ op: fc.constant('symlink' as const), path, target: fc.constantFrom('a', 'missing', 'c') }),
);

/** Applies edits to the local folder; an edit that cannot apply (a parent is a file...) is skipped. */
async function editLocal(root: string, edits: readonly Edit[]): Promise<void> {
  for (const e of edits) {
    const at = join(root, e.path);
    try {
      if (e.op === 'write' || e.op === 'mkdir' || e.op === 'symlink') {
        await rm(at, { recursive: true, force: true });
        await mkdir(dirname(at), { recursive: true });
        if (e.op === 'write') await writeFile(at, e.content);
        else if (e.op === 'mkdir') await mkdir(at);
        else await symlink(e.target, at);
      } else if (e.op === 'delete') {
        await rm(at, { recursive: true, force: true });
      } else if (e.op === 'rename') {
        if (e.to === e.path || e.to.startsWith(`${e.path}/`)) continue;
        await rm(join(root, e.to), { recursive: true, force: true });
        await mkdir(dirname(join(root, e.to)), { recursive: true });
        await rename(at, join(root, e.to));
      } else if ((await lstat(at)).isFile()) {
        // Files only: sandbox commands hold no capabilities (as on any provider that runs them as a
        // user), so a folder without search permission could not be listed or emptied in the sandbox.
        await chmod(at, e.mode);
      }
    } catch {
      // skipped, as the sandbox side skips it
    }
  }
}

/** The same edits as one shell script run in the sandbox. */
async function editRemote(bed: SyncBed, edits: readonly Edit[]): Promise<void> {
  const lines: string[] = [];
  const args: string[] = [];
  const arg = (value: string): string => {
    args.push(value);
    return `"$${args.length}"`.replace(/^"\$(\d{2,})"$/, '"${$1}"');
  };
  for (const e of edits) {
    const p = arg(e.path);
    const parent = `"$(dirname ${p})"`;
    if (e.op === 'write') lines.push(`rm -rf ${p}; mkdir -p ${parent} && printf %s ${arg(e.content)} > ${p}`);
    else if (e.op === 'mkdir') lines.push(`rm -rf ${p}; mkdir -p ${p}`);
    else if (e.op === 'symlink') lines.push(`rm -rf ${p}; mkdir -p ${parent} && ln -s ${arg(e.target)} ${p}`);
    else if (e.op === 'delete') lines.push(`rm -rf ${p}`);
    else if (e.op === 'chmod') lines.push(`[ -L ${p} ] || [ ! -f ${p} ] || chmod ${e.mode.toString(8)} ${p}`);
    else if (e.to !== e.path && !e.to.startsWith(`${e.path}/`)) {
      const to = arg(e.to);
      lines.push(
        `if [ -e ${p} ] || [ -L ${p} ]; then rm -rf ${to}; mkdir -p "$(dirname ${to})" && mv ${p} ${to}; fi`,
      );
    }
  }
  await sandboxSh(bed.handle, `${lines.map((l) => `{ ${l}; } 2>/dev/null`).join('\n')}\ntrue`, ...args);
}

const related = (p: string, q: string): boolean => p === q || p.startsWith(`${q}/`) || q.startsWith(`${p}/`);

let bed: SyncBed;
beforeAll(async () => {
  bed = await createBed('property');
});
afterAll(async () => {
  await bed.cleanup();
});

describe('sync property', () => {
  it('random edits on both sides: conflicts are exactly the paths changed differently on both, and syncing converges byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(edit, { maxLength: 6 }),
        fc.array(edit, { maxLength: 5 }),
        fc.array(edit, { maxLength: 5 }),
        fc.constantFrom('local' as const, 'remote' as const),
        fc.boolean(),
        async (initial, localEdits, remoteEdits, prefer, pushFirst) => {
          await rm(bed.manifestFile, { force: true });
          await rm(bed.localDir, { recursive: true, force: true });
          await mkdir(bed.localDir);
          await sandboxSh(bed.handle, 'find . -mindepth 1 -delete');
          await editLocal(bed.localDir, initial);
          await pushWorkspace(bed.options);
          const base = await describeLocal(bed.localDir);
          expect(await describeRemote(bed.handle)).toEqual(base);

          await editLocal(bed.localDir, localEdits);
          await editRemote(bed, remoteEdits);
          const local = await describeLocal(bed.localDir);
          const remote = await describeRemote(bed.handle);
          const all = new Set([...base.keys(), ...local.keys(), ...remote.keys()]);
          const changedLocally = [...all].filter((p) => local.get(p) !== base.get(p));
          const changedRemotely = [...all].filter((p) => remote.get(p) !== base.get(p));
          const isDir = (d: string | undefined): boolean => d?.startsWith('dir') === true;
          const isLeaf = (d: string | undefined): boolean => d !== undefined && !isDir(d);
          // Changed differently on both sides, folders aside; or turned into a file on one side while
          // the other changed something inside that folder.
          const conflicts = [...all]
            .filter(
              (p) =>
                (changedLocally.includes(p) &&
                  changedRemotely.includes(p) &&
                  local.get(p) !== remote.get(p) &&
                  !(isDir(local.get(p)) && isDir(remote.get(p)))) ||
                (changedLocally.includes(p) &&
                  isLeaf(local.get(p)) &&
                  isDir(remote.get(p)) &&
                  changedRemotely.some((q) => q.startsWith(`${p}/`))) ||
                (changedRemotely.includes(p) &&
                  isLeaf(remote.get(p)) &&
                  isDir(local.get(p)) &&
                  changedLocally.some((q) => q.startsWith(`${p}/`))),
            )
            .sort();

          if (conflicts.length > 0) {
            const error = await pullWorkspace(bed.options).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(SyncConflictError);
            expect((error as SyncConflictError).paths).toEqual(conflicts);
          }
          const order = pushFirst ? [pushWorkspace, pullWorkspace] : [pullWorkspace, pushWorkspace];
          for (const sync of order) await sync({ ...bed.options, prefer });

          const finalLocal = await describeLocal(bed.localDir);
          expect(await describeRemote(bed.handle)).toEqual(finalLocal);
          const winner = prefer === 'local' ? local : remote;
          for (const p of conflicts) expect(finalLocal.get(p)).toBe(winner.get(p));
          for (const p of changedLocally) {
            if (changedRemotely.some((q) => related(p, q))) continue;
            expect(finalLocal.get(p)).toBe(local.get(p));
          }
          for (const p of changedRemotely) {
            if (changedLocally.some((q) => related(p, q))) continue;
            expect(finalLocal.get(p)).toBe(remote.get(p));
          }
          const status = await syncStatus(bed.options);
          expect(status).toMatchObject({ conflicts: [], localChanged: [], remoteChanged: [] });
        },
      ),
      // SYNC_PROPERTY_RUNS=200 explores further; the default keeps the suite under a minute.
      { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 14) },
    );
  }, 1_200_000);
});
