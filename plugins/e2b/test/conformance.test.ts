import { afterAll, beforeAll } from 'vitest';
import { testBackend } from '@agentkernel/testkit';
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
  skip: {
    endpoints:
      'the offline fake cannot serve https://<port>-<id>.<domain> URLs (no DNS or TLS for E2B domains offline); ' +
      'test/endpoints.test.ts checks the URLs against the SDK and test/live.test.ts fetches one on real E2B',
  },
});
