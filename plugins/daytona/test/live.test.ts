import { openForTest, testBackend, whenLive } from '@agentkernel/testkit';
import { daytonaPlugin } from '../src/index.js';

// Live tests run against the real Daytona only when asked to: a key is set and no DAYTONA_API_URL points
// at a local fake (the offline tests cover the fake).
whenLive({ backend: 'daytona', required: ['DAYTONA_API_KEY'], urls: ['DAYTONA_API_URL'] }, () =>
  testBackend({
    name: 'daytona (live)',
    timeoutMs: 180_000,
    open: () => openForTest(daytonaPlugin, { env: process.env }),
  }),
);
