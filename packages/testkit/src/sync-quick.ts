import { existsSync } from 'node:fs';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { pullWorkspace, pushWorkspace } from '@agentkernel/core';
import type { Harness } from './harness.js';
import type { Bed } from './test-sync.js';

/** How long a local change takes to count as settled for the quick check (its 2-s racy window). */
const SETTLE_MS = 2_100;

/**
 * The quick check (a push that finds the local folder's fingerprint unchanged, a pull that finds the
 * sandbox listing's digest unchanged, both reading nothing else) must never hide a change the long
 * way would have synced, nor a warning it would have given.
 */
export function testQuickCheck(harness: Harness, bed: () => Promise<Bed>): void {
  harness.test(
    'sync-quick-local',
    'an unchanged local folder makes a quick push, and an edit that keeps size and mtime still goes',
    async () => {
      const b = await bed();
      const edited = join(b.localDir, 'a.txt');
      await writeFile(edited, 'aaaa');
      // A whole second, so that putting the mtime back below restores it exactly.
      const second = Math.floor(Date.now() / 1000) - 60;
      await utimes(edited, second, second);
      await writeFile(join(b.localDir, 'creds.txt'), 'key=canary-quick-7f3a');
      await sleep(SETTLE_MS);

      // A file left out is named by every push, so a push that leaves one out never arms the check.
      const guarded = { ...b.options, secrets: ['canary-quick-7f3a'] };
      for (let round = 0; round < 2; round++) {
        const push = await pushWorkspace(guarded);
        expect(push).toMatchObject({ quick: false, skipped: [{ path: 'creds.txt' }] });
      }
      expect(await b.sh('test -e creds.txt || echo absent')).toBe('absent\n');

      expect(await pushWorkspace(b.options)).toMatchObject({ quick: false, filesSent: 1 });
      await pullWorkspace(b.options);
      expect(await pushWorkspace(b.options)).toMatchObject({ quick: true, filesSent: 0 });
      expect(await pullWorkspace(b.options)).toMatchObject({ quick: true, filesReceived: 0 });

      // Same size, mtime put back: only the inode change time tells.
      await writeFile(edited, 'AAAA');
      await utimes(edited, second, second);
      expect((await stat(edited)).mtimeMs).toBe(second * 1000);
      const push = await pushWorkspace(b.options);
      expect(push).toMatchObject({ quick: false, plan: { upload: ['a.txt'] } });
      expect(await b.sh('cat a.txt')).toBe('AAAA');
    },
  );

  harness.test(
    'sync-quick-remote',
    'an unchanged sandbox makes a quick pull; a same-second edit, a rule change, a fifo and a lost manifest do not',
    async () => {
      const b = await bed();
      // A rule file that leaves itself out: the sandbox never gets these rules.
      const rules = join(b.localDir, '.agentkernelignore');
      await writeFile(rules, '*.log\n.agentkernelignore\n');
      await writeFile(join(b.localDir, 'x.txt'), 'x\n');
      await pushWorkspace(b.options);
      const firstManifest = await readFile(b.options.manifestFile);
      await b.sh('echo kept > keep.log && echo r1 > r.txt');
      expect(await pullWorkspace(b.options)).toMatchObject({ quick: false, plan: { download: ['r.txt'] } });
      expect(await pullWorkspace(b.options)).toMatchObject({ quick: true });

      // Same size and, to the second, the same mtime.
      await b.sh('m=$(stat -c %Y r.txt) && echo r2 > r.txt && touch -d "@$m" r.txt');
      expect(await pullWorkspace(b.options)).toMatchObject({ quick: false, plan: { download: ['r.txt'] } });
      expect(await readFile(join(b.localDir, 'r.txt'), 'utf8')).toBe('r2\n');
      expect(await pullWorkspace(b.options)).toMatchObject({ quick: true });

      // Rules that now leave nothing out bring what the sandbox has had all along.
      await rm(rules);
      expect(await pullWorkspace(b.options)).toMatchObject({
        quick: false,
        plan: { download: ['keep.log'] },
      });
      expect(await readFile(join(b.localDir, 'keep.log'), 'utf8')).toBe('kept\n');

      // An entry that cannot come back is named by every pull.
      await b.sh('mkfifo pipe');
      for (let round = 0; round < 2; round++) {
        const warnings: string[] = [];
        const pull = await pullWorkspace({ ...b.options, onWarning: (m) => warnings.push(m) });
        expect(pull).toMatchObject({ quick: false, skipped: [{ path: 'pipe' }] });
        expect(warnings).toHaveLength(1);
      }
      await b.sh('rm pipe');
      await pullWorkspace(b.options);
      expect(await pullWorkspace(b.options)).toMatchObject({ quick: true });

      // Beside another manifest, the check proves nothing: against that older base, the sandbox's r.txt
      // is new, so it comes back.
      await writeFile(b.options.manifestFile, firstManifest);
      await rm(join(b.localDir, 'r.txt'));
      expect(await pullWorkspace(b.options)).toMatchObject({ quick: false, plan: { download: ['r.txt'] } });
      expect(existsSync(join(b.localDir, 'r.txt'))).toBe(true);
      await rm(b.options.manifestFile);
      expect(await pullWorkspace(b.options)).toMatchObject({ quick: false });
    },
  );
  harness.test(
    'sync-quick-many',
    'many new sandbox files: the quick check settles on a mark whose listing hashes none of them',
    async () => {
      const b = await bed();
      await pushWorkspace(b.options);
      await b.sh('i=0; while [ $i -lt 80 ]; do echo $i > many-$i.txt; i=$((i + 1)); done');
      // Past the racy window by the next listing, and a second more as the sandbox clock counts whole
      // seconds: a mark taken from a newer clock then hashes none of them.
      await sleep(SETTLE_MS + 1_000);
      const quick: boolean[] = [];
      for (let round = 0; round < 3 && !quick.includes(true); round++)
        quick.push((await pullWorkspace(b.options)).quick === true);
      expect(quick.at(-1), `pulls: ${quick.join(', ')}`).toBe(true);
      // The sidecar beside the manifest (DESIGN section 7's quick check) holds the mark's sandbox clock.
      const check = JSON.parse(await readFile(`${b.options.manifestFile}.quick`, 'utf8')) as {
        remote?: { since: number };
      };
      const newest = Number((await b.sh('stat -c %Y many-*.txt | sort -n | tail -n 1')).trim());
      expect(check.remote?.since).toBeGreaterThan(newest + 2);
    },
  );
}
