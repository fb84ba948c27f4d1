import { seededRandom } from '@agentkernel/fake-kit';
import { testFaultMatrix } from '@agentkernel/testkit';
import { afterAll, beforeAll } from 'vitest';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';

let fake: FakeE2B;
beforeAll(async () => {
  fake = await startFakeE2B();
});
afterAll(async () => {
  await fake.close();
});

testFaultMatrix({
  name: 'e2b (offline fake)',
  open: () => openAgainst(fake),
  setFaults: (faults) =>
    fake.setRandomFaults(
      faults === undefined
        ? undefined
        : { rate: faults.rate, random: seededRandom(faults.seed), latencyMs: 100 },
    ),
  sandboxCount: () => fake.sandboxes().length,
});
