import { afterAll, beforeAll } from 'vitest';
import { testBackend, testSync } from '@agentkernel/testkit';
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
  skip: {
    // The fake runs each command in a process namespace of its own, ended with it, so no other command
    // can see (or outlive) what an aborted one started; the provider's sandbox is one machine.
    'exec-abort-group': 'the fake gives each command its own process namespace (no shared machine)',
  },
  open: () => {
    if (fake === undefined) throw new Error('the fake Daytona did not start');
    return openAgainst(fake);
  },
});

testSync({
  name: 'daytona (offline fake)',
  open: () => {
    if (fake === undefined) throw new Error('the fake Daytona did not start');
    return openAgainst(fake);
  },
});
