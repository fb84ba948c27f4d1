import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pullWorkspace, pushWorkspace, syncStatus } from '@agentkernel/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBed, sandboxSh, type SyncBed } from './sync-fixtures.js';

let bed: SyncBed;
beforeAll(async () => {
  bed = await createBed('kill');
});
afterAll(async () => {
  await bed.cleanup();
});

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs a pull in another process and SIGKILLs it once `killAfter` bytes were written locally. */
function pullAndKill(killAfter: number): Promise<{ killed: boolean; progress: number }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@agentkernel/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'sync-kill-child.ts'),
      'pull',
      join(bed.home, 'data'),
      JSON.stringify(bed.handle.ref),
      bed.localDir,
      bed.manifestFile,
    ],
    { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let progress = 0;
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (const match of buffered.matchAll(/progress (\d+)\n/g))
      progress = Math.max(progress, Number(match[1]));
    buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    if (progress >= killAfter) child.kill('SIGKILL');
  });
  return new Promise((resolve) =>
    child.on('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL', progress })),
  );
}

const tempFiles = async (): Promise<string[]> =>
  (await readdir(bed.localDir, { recursive: true })).filter((n) => n.includes('.agentkernel-tmp-'));

describe('a pull killed in the middle of a transfer', () => {
  it('leaves every file old or new, never torn, and the next pull completes and cleans up', async () => {
    await writeFile(join(bed.localDir, 'big.bin'), Buffer.alloc(8 << 20, 'o'));
    await writeFile(join(bed.localDir, 'small.txt'), 'old small\n');
    await pushWorkspace(bed.options);
    const oldBig = await sha256(join(bed.localDir, 'big.bin'));
    // Random bytes do not compress, so the transfer takes long enough to be interrupted.
    await sandboxSh(
      bed.handle,
      'head -c 100000000 /dev/urandom > big.bin && echo new small > small.txt && echo z > zz-last.txt',
    );
    const newBig = (await sandboxSh(bed.handle, 'sha256sum big.bin')).slice(0, 64);

    const { killed, progress } = await pullAndKill(30_000_000);
    expect(killed).toBe(true);
    expect(progress).toBeLessThan(100_000_000);
    // Entries arrive in path order: the kill lands inside big.bin, whose new bytes were still a temporary file.
    expect(await sha256(join(bed.localDir, 'big.bin'))).toBe(oldBig);
    expect(await readFile(join(bed.localDir, 'small.txt'), 'utf8')).toBe('old small\n');
    expect(await tempFiles()).toHaveLength(1);
    const status = await syncStatus(bed.options);
    expect([...status.localChanged, ...status.upload].filter((p) => p.includes('.agentkernel-tmp-'))).toEqual(
      [],
    );

    const report = await pullWorkspace(bed.options);
    expect(report.filesReceived).toBeGreaterThanOrEqual(2);
    expect(await sha256(join(bed.localDir, 'big.bin'))).toBe(newBig);
    expect(await readFile(join(bed.localDir, 'small.txt'), 'utf8')).toBe('new small\n');
    expect(await tempFiles()).toEqual([]);
  }, 120_000);
});
