import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pushWorkspace } from '@agentkernel/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBed, sandboxSh, type SyncBed } from './sync-fixtures.js';

let bed: SyncBed;
beforeAll(async () => {
  bed = await createBed('pushkill');
});
afterAll(async () => {
  await bed.cleanup();
});

const FILES = ['a.bin', 'b.bin', 'dir/c.bin', 'small.txt'];
const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Writes fresh random content into every file and returns each file's digest. */
async function writeGeneration(): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  await mkdir(join(bed.localDir, 'dir'), { recursive: true });
  for (const path of FILES) {
    const data = randomBytes(path === 'small.txt' ? 100 : 3 << 20);
    await writeFile(join(bed.localDir, path), data);
    digests.set(path, sha(data));
  }
  return digests;
}

/** sha256 of each file in the sandbox ('missing' when absent). */
async function sandboxDigests(): Promise<Map<string, string>> {
  const out = await sandboxSh(
    bed.handle,
    'for p; do if [ -f "$p" ]; then sha256sum "$p"; else echo "missing $p"; fi; done',
    ...FILES,
  );
  const digests = new Map<string, string>();
  for (const line of out.trim().split('\n')) {
    const [digest, path] = line.split(/ +/) as [string, string];
    digests.set(path, digest);
  }
  return digests;
}

/** Runs a push in another process and SIGKILLs it `afterMs` after it started syncing. */
function pushAndKill(afterMs: number): Promise<{ killed: boolean }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@agentkernel/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'sync-kill-child.ts'),
      'push',
      join(bed.home, 'data'),
      JSON.stringify(bed.handle.ref),
      bed.localDir,
      bed.manifestFile,
    ],
    { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let timer: NodeJS.Timeout | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    if (timer === undefined && chunk.toString().includes('ready'))
      timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  });
  return new Promise((resolve) =>
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL' });
    }),
  );
}

describe('a push killed at random points', () => {
  it('leaves every sandbox file old or new, and the next push completes without --prefer', async () => {
    let current = await writeGeneration();
    await pushWorkspace(bed.options);
    const started = performance.now();
    await pushWorkspace({ ...bed.options, dryRun: true });
    // A whole push in the child takes its start-up plus about this; kills land before, inside and after.
    const window = 400 + 4 * (performance.now() - started);
    let killedMidway = 0;
    for (let trial = 0; trial < 20; trial++) {
      const next = await writeGeneration();
      const { killed } = await pushAndKill(randomInt(Math.round(window)));
      if (killed) killedMidway++;
      const inSandbox = await sandboxDigests();
      for (const path of FILES) {
        expect([current.get(path), next.get(path)], `trial ${trial}: ${path}`).toContain(inSandbox.get(path));
      }
      const report = await pushWorkspace(bed.options);
      expect(report.conflicts).toEqual([]);
      expect(await sandboxDigests()).toEqual(next);
      current = next;
    }
    expect(killedMidway).toBeGreaterThan(10);
  }, 180_000);
});
