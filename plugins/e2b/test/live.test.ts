import { openForTest, testBackend, whenLive } from '@agentkernel/testkit';
import { e2bPlugin } from '../src/index.js';

// Live tests run against the real E2B only when asked to: a key is set and no E2B_API_URL points at a
// local fake (the offline tests cover the fake).
whenLive({ backend: 'e2b', required: ['E2B_API_KEY'], urls: ['E2B_API_URL'] }, () =>
  testBackend({
    name: 'e2b (live)',
    timeoutMs: 180_000,
    open: () => openForTest(e2bPlugin, { env: process.env }),
  }),
);
