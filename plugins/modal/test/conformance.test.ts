import { afterAll, beforeAll } from 'vitest';
import { testBackend } from '@agentkernel/testkit';
import { startFakeModal, type FakeModal } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';

let fake: FakeModal | undefined;
beforeAll(async () => {
  fake = await startFakeModal();
}, 60_000);
afterAll(async () => {
  await fake?.close();
});

testBackend({
  name: 'modal (offline fake)',
  open: () => {
    if (fake === undefined) throw new Error('the fake Modal did not start');
    return openAgainst(fake);
  },
  // Offline there is no DNS for tunnel hosts: the fake's edge routes the URL the backend gave.
  fetchEndpoint: (url, init) => {
    if (fake === undefined) throw new Error('the fake Modal did not start');
    return fake.fetchEndpoint(url, init);
  },
});
