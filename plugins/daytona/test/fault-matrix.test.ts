import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentkernelError,
  pullWorkspace,
  pushWorkspace,
  type Backend,
  type SandboxHandle,
} from '@agentkernel/core';
import { seededRandom } from '@agentkernel/fake-kit';
import { startFakeDaytona, type FakeDaytona } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

// Whole scenarios (create, push, exec, delta push, pull, snapshot, restore, remove) under a 20% rate of
// random faults (429, 500, 503, dropped requests, lost answers, latency) on every request, WebSocket
// upgrades included, drawn from a seeded generator so a failing run can be replayed. Every scenario
// completes or fails with a clear agentkernel error; once the faults stop, destroying what the
// scenarios got leaves no sandbox: a create that failed never left one behind.
const SCENARIOS = 20;
const PARALLEL = 5;
const SEED = 20_261_201;

let fake: FakeDaytona;
let backend: Backend;
const handles: SandboxHandle[] = [];

beforeAll(async () => {
  fake = await startFakeDaytona({ randomFaults: { rate: 0.2, random: seededRandom(SEED), latencyMs: 100 } });
  backend = await openAgainst(fake, { max_retries: 6 });
});
afterAll(async () => {
  await backend.close?.();
  await fake.close();
});

async function scenario(index: number): Promise<'completed'> {
  const local = await mkdtemp(join(tmpdir(), `ak-daytona-matrix-${index}-`));
  try {
    await writeFile(join(local, 'notes.txt'), `scenario ${index}\n`);
    const sync = { localDir: local, workspaceDir: '/workspace', manifestFile: `${local}.manifest.json` };
    const handle = await backend.create(spec({ labels: { matrix: String(index) } }));
    handles.push(handle);
    await pushWorkspace({ ...sync, handle });
    expect((await handle.exec(['cat', 'notes.txt'])).stdout.toString()).toBe(`scenario ${index}\n`);
    await writeFile(join(local, 'notes.txt'), `scenario ${index}, edited\n`);
    await pushWorkspace({ ...sync, handle });
    expect((await handle.exec(['sh', '-c', 'cat notes.txt; echo made > made.txt; exit 4'])).exitCode).toBe(4);
    await pullWorkspace({ ...sync, handle });
    expect(await readFile(join(local, 'made.txt'), 'utf8')).toBe('made\n');
    const snapshot = await handle.snapshot!(`matrix-${index}`);
    const restored = await backend.create(spec({ fromSnapshot: snapshot }));
    handles.push(restored);
    expect((await restored.readFile('notes.txt')).toString()).toBe(`scenario ${index}, edited\n`);
    await restored.destroy();
    await handle.destroy();
    await backend.deleteSnapshot!(snapshot);
    return 'completed';
  } finally {
    await rm(local, { recursive: true, force: true });
    await rm(`${local}.manifest.json`, { force: true });
  }
}

describe(`the fault matrix: ${SCENARIOS} scenarios under 20% faults`, () => {
  it('completes each scenario or fails it with a clear error, and leaves no sandbox behind', async () => {
    const outcomes: string[] = [];
    for (let start = 0; start < SCENARIOS; start += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, SCENARIOS - start) }, (_, i) =>
        scenario(start + i).catch((error: unknown) => {
          expect(AgentkernelError.isInstance(error), `scenario ${start + i}: ${String(error)}`).toBe(true);
          expect((error as Error).message).toMatch(/^\[agentkernel\] (\[daytona\] )?\S/);
          return `failed: ${(error as Error).message}`;
        }),
      );
      outcomes.push(...(await Promise.all(batch)));
    }
    const faulted = fake.requests().filter((request) => request.fault !== undefined).length;
    console.info(
      `[daytona fault matrix] ${outcomes.filter((o) => o === 'completed').length}/${SCENARIOS} completed, ${faulted} of ${fake.requests().length} requests faulted`,
    );
    for (const outcome of outcomes.filter((o) => o !== 'completed')) console.info(`  ${outcome}`);
    fake.clearFaults();
    for (const handle of handles) await handle.destroy();
    expect(fake.sandboxes()).toEqual([]);
    expect(faulted).toBeGreaterThan(0);
  }, 240_000);
});
