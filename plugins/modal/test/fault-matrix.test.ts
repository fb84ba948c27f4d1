// Whole scenarios under about 20% injected faults (throttles, unavailable, internal errors, dropped
// connections before and after Modal acted, latency): each one completes or fails with a clear
// agentkernel error, and no sandbox is left running at the provider.
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, type Backend, type SandboxHandle } from '@agentkernel/core';
import { seededRandom } from '@agentkernel/fake-kit';
import { createTarGz, readTarGz } from '@agentkernel/testkit';
import { startFakeModal, type FakeModal } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

const SCENARIOS = 20;
const PARALLEL = 4;

let fake: FakeModal;
let backend: Backend;
const made: SandboxHandle[] = [];

beforeAll(async () => {
  fake = await startFakeModal();
  backend = await openAgainst(fake);
}, 30_000);
afterAll(async () => {
  await fake?.close();
});

/** create, write, exec, push an archive, pull one, snapshot, restore from it, read, remove. */
async function scenario(index: number): Promise<void> {
  const source = await backend.create(spec({ name: `matrix-${index}`, env: { N: String(index) } }));
  made.push(source);
  await source.writeFile('in.txt', Buffer.from(`input ${index}`));
  const ran = await source.exec(['sh', '-c', 'cat in.txt; echo " $N"; cat > from-stdin.txt'], {
    stdin: Buffer.from('stdin'),
  });
  expect(ran.exitCode, ran.stderr.toString()).toBe(0);
  expect(ran.stdout.toString()).toBe(`input ${index} ${index}\n`);
  await source.putArchive(
    'tree',
    Readable.from([createTarGz([{ path: 'a/b.txt', type: 'file', content: 'b' }])]),
  );
  const pulled = readTarGz(await buffer(await source.getArchive('tree')));
  expect(pulled.map((entry) => entry.path)).toContain('a/b.txt');
  const snapshot = await source.snapshot!(`matrix-${index}`);
  const restored = await backend.create(spec({ name: `matrix-${index}-restored`, fromSnapshot: snapshot }));
  made.push(restored);
  expect((await restored.readFile('from-stdin.txt')).toString()).toBe('stdin');
  await Promise.all([source.destroy(), restored.destroy()]);
  await backend.deleteSnapshot!(snapshot);
}

describe('the fault matrix', () => {
  it(`${SCENARIOS} scenarios under 20% faults complete or fail clearly, leaving no sandbox behind`, async () => {
    fake.setRandomFaults({ rate: 0.2, random: seededRandom(13), latencyMs: 50 });
    const outcomes: (Error | undefined)[] = [];
    for (let start = 0; start < SCENARIOS; start += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, SCENARIOS - start) }, (_, offset) =>
        scenario(start + offset).then(
          () => undefined,
          (error: unknown) => error as Error,
        ),
      );
      outcomes.push(...(await Promise.all(batch)));
    }
    fake.setRandomFaults(undefined);
    const faulted = fake.calls().filter((call) => call.fault !== undefined).length;
    expect(faulted / fake.calls().length).toBeGreaterThan(0.1);
    const failures = outcomes.filter((outcome) => outcome !== undefined);
    for (const failure of failures) {
      // A failure is an agentkernel error saying what was being done, never a raw SDK or gRPC error.
      expect(AgentkernelError.isInstance(failure), String(failure)).toBe(true);
      expect(failure.message).toMatch(/^\[agentkernel\] \[modal\] /);
    }
    console.info(
      `[modal fault matrix] ${SCENARIOS - failures.length}/${SCENARIOS} scenarios completed; ${faulted} of ${fake.calls().length} calls faulted`,
      failures.map((failure) => failure.message),
    );
    // What a failed scenario made is destroyed as its owner would (with faults off); a failed create
    // must have cleaned up after itself.
    for (const handle of made) await handle.destroy();
    const left = fake.sandboxes().filter((sandbox) => !sandbox.finished);
    expect(left.map((sandbox) => `${sandbox.tags['agentkernel.name']} ${sandbox.sandboxId}`)).toEqual([]);
  }, 120_000);
});
