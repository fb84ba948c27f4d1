import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { atomicWriteFile, StateError, StateStore } from '../../src/index.js';
import { startChild, type Child } from './child.js';
import { compileForChild } from './compile.js';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'agentkernel-atomic-'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('atomicWriteFile', () => {
  it('writes bytes exactly, creating the folder, with the requested mode', async () => {
    const file = join(home, 'deep', 'dir', 'blob.bin');
    const bytes = new Uint8Array([0, 255, 10, 13, 0xc3, 0x28]);
    await atomicWriteFile(file, bytes, { mode: 0o640 });
    expect(new Uint8Array(await readFile(file))).toEqual(bytes);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    await atomicWriteFile(file, 'replaced');
    expect(await readFile(file, 'utf8')).toBe('replaced');
    expect(await readdir(join(home, 'deep', 'dir'))).toEqual(['blob.bin']);
  });

  it('fails with a StateError naming the path, leaving the target and no temporary file', async () => {
    const target = join(home, 'occupied');
    await mkdir(join(target, 'child'), { recursive: true });
    const error = (await atomicWriteFile(target, 'x').catch((e: unknown) => e)) as StateError;
    expect(error).toBeInstanceOf(StateError);
    expect(error.code).toBe('STATE_WRITE_FAILED');
    expect(error.message).toContain(`cannot write ${target}: `);
    expect(await readdir(home)).toEqual(['occupied']);
    expect(await readdir(target)).toEqual(['child']);
  });
});

describe('a reader racing a writer in another process', () => {
  let moduleUrl: string;
  let writer: Child | undefined;

  beforeAll(async () => {
    moduleUrl = await compileForChild('state/index.ts');
  });

  afterEach(async () => {
    writer?.process.kill('SIGKILL');
    await writer?.exited().catch(() => undefined);
    writer = undefined;
  });

  /** Reads the record file while `how` rewrites it; counts reads that did and did not parse. */
  async function readWhileRewriting(how: 'atomic' | 'in-place', stopAfterTorn: boolean) {
    const store = new StateStore(home);
    const child = startChild(moduleUrl, home, 'rewrite', 'dev', how);
    writer = child;
    await child.waitFor('ready');
    const sizes = new Set<number>();
    let parsed = 0;
    let torn = 0;
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline && parsed < 50 && !(stopAfterTorn && torn > 0)) {
      let text: string;
      if (child.process.exitCode !== null) await child.exited();
      try {
        text = await readFile(store.sandboxFile('dev'), 'utf8');
      } catch {
        continue; // not written yet
      }
      try {
        sizes.add((JSON.parse(text) as { ref: { metadata: { blob: string } } }).ref.metadata.blob.length);
        parsed += 1;
      } catch {
        torn += 1;
      }
    }
    return { parsed, torn, sizes };
  }

  it('never sees a partial record when writes are atomic', async () => {
    const { parsed, torn, sizes } = await readWhileRewriting('atomic', false);
    expect(torn).toBe(0);
    expect(parsed).toBe(50);
    expect([...sizes].sort()).toEqual([300_000, 600_000]);
  });

  it('does see partial records when the same writer writes in place (so the test above can fail)', async () => {
    const { torn } = await readWhileRewriting('in-place', true);
    expect(torn).toBeGreaterThan(0);
  });
});
