import { lstat, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pullWorkspace, pushWorkspace } from '@agentkernel/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBed, sandboxSh, type SyncBed } from './sync-fixtures.js';

let bed: SyncBed;
beforeEach(async () => {
  bed = await createBed('hostile');
});
afterEach(async () => {
  await bed.cleanup();
});

// A path of about 4,000 bytes: fine in the sandbox's /workspace, too long under this machine's project folder.
const LONG = Array.from({ length: 20 }, (_, i) => String(i).padStart(200, 'x')).join('/');

describe('a pull from a sandbox holding entries that cannot come back', () => {
  it('names each one (escaped), leaves it out, and syncs everything else', async () => {
    await writeFile(join(bed.localDir, 'kept-locally.txt'), 'mine\n');
    await pushWorkspace(bed.options);
    await sandboxSh(
      bed.handle,
      [
        'mkfifo fifo',
        'ln -s /etc/passwd passwd-link',
        'echo shared > hard-a && ln hard-a hard-b',
        'touch "$(printf "bad\\377name")"',
        `mkdir -p "$(dirname ${LONG})" && echo deep > ${LONG}`,
        'echo ok > normal.txt',
        'rm kept-locally.txt && mkfifo kept-locally.txt',
      ].join(' && '),
    );
    const warnings: string[] = [];
    const report = await pullWorkspace({ ...bed.options, onWarning: (m) => warnings.push(m) });

    const skipped = new Map(report.skipped.map((s) => [s.path, s.reason]));
    expect(skipped.get('fifo')).toBe('it is a fifo');
    expect(skipped.get('kept-locally.txt')).toBe('it is a fifo');
    expect(skipped.get('passwd-link')).toBe('the symlink points outside the workspace (/etc/passwd)');
    expect(skipped.get('bad\\xffname')).toBe('its name is not valid UTF-8');
    expect([...skipped.keys()].find((p) => p.startsWith('0'.padStart(200, 'x')))).toBeDefined();
    expect(warnings).toHaveLength(report.skipped.length);
    expect(warnings.join('\n')).toContain('not pulled: "bad\\xffname": its name is not valid UTF-8');

    // Everything else came back; hard links as two separate files.
    expect(await readFile(join(bed.localDir, 'normal.txt'), 'utf8')).toBe('ok\n');
    expect(await readFile(join(bed.localDir, 'hard-b'), 'utf8')).toBe('shared\n');
    expect((await lstat(join(bed.localDir, 'hard-a'))).nlink).toBe(1);
    // What the sandbox turned into a fifo is left alone here, not deleted.
    expect(await readFile(join(bed.localDir, 'kept-locally.txt'), 'utf8')).toBe('mine\n');
    const names = await readdir(bed.localDir);
    expect(names).not.toContain('fifo');
    expect(names).not.toContain('passwd-link');

    // A second pull has nothing new to bring and says the same.
    const again = await pullWorkspace(bed.options);
    expect(again.filesReceived).toBe(0);
    expect(again.skipped.map((s) => s.path).sort()).toEqual([...skipped.keys()].sort());
  });
});

describe('a sandbox swapping a file for a symlink and a fifo while pulls run', () => {
  it('never blocks a pull: every pull completes', async () => {
    await sandboxSh(bed.handle, 'mkfifo target-fifo && echo data > stable.txt');
    const swapping = new AbortController();
    // Each swap is an atomic rename, so the path always exists as one of the three.
    const loop = bed.handle
      .exec(
        [
          'sh',
          '-c',
          'cd /workspace; while :; do echo data > .f; mv -f .f race; ln -s /etc/passwd .l; mv -f .l race; ' +
            'mkfifo .p; mv -f .p race; ln -s target-fifo .q; mv -f .q race; done',
        ],
        { signal: swapping.signal },
      )
      .catch(() => undefined);
    try {
      for (let i = 0; i < 20; i++) {
        const report = await pullWorkspace({ ...bed.options, listTimeoutMs: 2000 });
        expect(report.direction).toBe('pull');
      }
      expect(await readFile(join(bed.localDir, 'stable.txt'), 'utf8')).toBe('data\n');
    } finally {
      swapping.abort();
      await loop;
    }
  }, 120_000);
});
