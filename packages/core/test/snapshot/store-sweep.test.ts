import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSnapshotStore } from '../../src/snapshot/store.js';

let dir: string;
let store: LocalSnapshotStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ak-sweep-'));
  store = new LocalSnapshotStore(join(dir, 'snapshots'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// A process that starts creating a snapshot, writes into its scratch folder, then waits to be killed
// (it runs the built core, as the CLI does).
const CHILD = `
import { LocalSnapshotStore } from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).pathname)};
import { writeFile } from 'node:fs/promises';
const store = new LocalSnapshotStore(process.argv[1]);
await store.create('killed', async (_archive, scratch) => {
  await writeFile(scratch + '/spool', Buffer.alloc(1 << 20));
  process.stdout.write('writing\\n');
  await new Promise(() => undefined);
});
`;

function startCreateAndKill(): Promise<void> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, join(dir, 'snapshots')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('writing')) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
  });
}

describe('a snapshot take killed half-way', () => {
  it('leaves a folder only until the next snapshot command, which sweeps it; a live one is kept', async () => {
    await startCreateAndKill();
    const left = (await readdir(join(dir, 'snapshots'))).filter((n) => n.startsWith('.creating-killed-'));
    expect(left).toHaveLength(1);
    expect((await stat(join(dir, 'snapshots', left[0] as string, 'scratch', 'spool'))).size).toBe(1 << 20);

    // A create in progress in this (live) process is not swept by a list running meanwhile.
    let release!: () => void;
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    const creating = store
      .create('live', async (archive) => {
        started();
        await new Promise<void>((resolve) => (release = resolve));
        archive.end();
        throw new Error('abandoned on purpose');
      })
      .catch(() => undefined);
    await writing;
    expect(await store.list()).toEqual([]);
    const names = await readdir(join(dir, 'snapshots'));
    expect(names.filter((n) => n.startsWith('.creating-killed-'))).toEqual([]);
    expect(names.filter((n) => n.startsWith('.creating-live-'))).toHaveLength(1);
    release();
    await creating;
    expect(await readdir(join(dir, 'snapshots'))).toEqual([]);
  });
});
