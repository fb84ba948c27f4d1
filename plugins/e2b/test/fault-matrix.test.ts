import { seededRandom } from '@agentkernel/fake-kit';
import { testFaultMatrix } from '@agentkernel/testkit';
import { afterAll, beforeAll } from 'vitest';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';

// 20 whole scenarios under 20% random faults (latency, 429, 500, 503, dropped requests and answers),
// drawn from a seeded generator so a failing run can be replayed.
let fake: FakeE2B | undefined;
const started = (): FakeE2B => {
  if (fake === undefined) throw new Error('the fake E2B did not start');
  return fake;
};
beforeAll(async () => {
  fake = await startFakeE2B({
    randomFaults: { rate: 0.2, random: seededRandom(20_261_201), latencyMs: 100 },
  });
});
afterAll(async () => {
  await fake?.close();
});

testFaultMatrix({
  name: 'e2b (offline fake, 20% faults)',
  open: () => openAgainst(started()),
  stopFaults: () => started().clearFaults(),
  liveSandboxes: () =>
    started()
      .sandboxes()
      .map((sandbox) => sandbox.sandboxID),
  faultCounts: () => {
    const requests = started().requests();
    return {
      faulted: requests.filter((request) => request.fault !== undefined).length,
      total: requests.length,
    };
  },
});
