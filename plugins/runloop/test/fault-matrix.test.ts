import { afterAll, beforeAll } from 'vitest';
import { seededRandom } from '@agentkernel/fake-kit';
import { testFaultMatrix } from '@agentkernel/testkit';
import { startFakeRunloop, type FakeRunloop } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';

// 20 whole scenarios under 20% random faults (429, 500, 503, dropped requests, lost answers, latency),
// drawn from a seeded generator so a failing run can be replayed.
let fake: FakeRunloop | undefined;
const started = (): FakeRunloop => {
  if (fake === undefined) throw new Error('the fake Runloop did not start');
  return fake;
};
beforeAll(async () => {
  fake = await startFakeRunloop({
    transitionMs: 20,
    randomFaults: { rate: 0.2, random: seededRandom(20_261_201), latencyMs: 100 },
  });
});
afterAll(async () => {
  await fake?.close();
});

testFaultMatrix({
  name: 'runloop (offline fake, 20% faults)',
  open: () => openAgainst(started(), { max_retries: 6 }),
  stopFaults: () => started().clearFaults(),
  liveSandboxes: () =>
    started()
      .devboxes()
      .filter((devbox) => devbox.status !== 'shutdown')
      .map((devbox) => devbox.id),
  faultCounts: () => {
    const requests = started().requests();
    return {
      faulted: requests.filter((request) => request.fault !== undefined).length,
      total: requests.length,
    };
  },
});
