import { openForTest, testBackend, whenLive } from '@agentkernel/testkit';
import { runloopPlugin } from '../src/index.js';

// Live tests run against the real Runloop only when asked to: a key is set and no RUNLOOP_BASE_URL
// points at a local fake (the offline tests cover the fake).
whenLive({ backend: 'runloop', required: ['RUNLOOP_API_KEY'], urls: ['RUNLOOP_BASE_URL'] }, () =>
  testBackend({
    name: 'runloop (live)',
    timeoutMs: 300_000,
    open: () => openForTest(runloopPlugin, { env: process.env }),
  }),
);
