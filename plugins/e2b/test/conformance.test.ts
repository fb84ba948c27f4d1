import { afterAll, beforeAll } from 'vitest';
import { testBackend, testSync } from '@agentkernel/testkit';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';

let fake: FakeE2B | undefined;
beforeAll(async () => {
  fake = await startFakeE2B();
}, 60_000);
afterAll(async () => {
  await fake?.close();
});

testBackend({
  name: 'e2b (offline fake)',
  open: () => {
    if (fake === undefined) throw new Error('the fake E2B did not start');
    return openAgainst(fake);
  },
  // Offline there is no DNS for <port>-<id>.<domain>: the fake's edge routes the URL the backend gave.
  fetchEndpoint: (url, init) => {
    if (fake === undefined) throw new Error('the fake E2B did not start');
    return fake.fetchEndpoint(url, init);
  },
});

testSync({
  name: 'e2b (offline fake)',
  open: () => {
    if (fake === undefined) throw new Error('the fake E2B did not start');
    return openAgainst(fake);
  },
});
