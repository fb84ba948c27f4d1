import { afterAll, beforeAll } from 'vitest';
import { testBackend, testSync } from '@agentkernel/testkit';
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
  skip: {
    // The fake runs each command in a process namespace of its own, ended with it, so no other command
    // can see (or outlive) what an aborted one started; the provider's sandbox is one machine.
    'exec-abort-group': 'the fake gives each command its own process namespace (no shared machine)',
  },
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

testSync({
  name: 'modal (offline fake)',
  open: () => {
    if (fake === undefined) throw new Error('the fake Modal did not start');
    return openAgainst(fake);
  },
});
