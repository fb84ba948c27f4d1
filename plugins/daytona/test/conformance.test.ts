import { afterAll, beforeAll } from 'vitest';
import { testBackend } from '@agentkernel/testkit';
import { startFakeDaytona, type FakeDaytona } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';

let fake: FakeDaytona | undefined;
beforeAll(async () => {
  fake = await startFakeDaytona();
}, 60_000);
afterAll(async () => {
  await fake?.close();
});

testBackend({
  name: 'daytona (offline fake)',
  open: () => {
    if (fake === undefined) throw new Error('the fake Daytona did not start');
    return openAgainst(fake);
  },
});
