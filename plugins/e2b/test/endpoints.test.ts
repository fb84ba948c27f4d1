import { afterAll, beforeAll, expect, it } from 'vitest';
import { Sandbox } from 'e2b';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeE2B;
beforeAll(async () => {
  fake = await startFakeE2B();
});
afterAll(async () => {
  await fake.close();
});

it('gives https://<port>-<sandboxId>.<domain>, exactly as the SDK getHost does', async () => {
  const backend = await openAgainst(fake, { domain: 'sandboxes.example.test' });
  const handle = await backend.create(spec({ ports: [3000, 8080] }));
  const sdk = await Sandbox.connect(handle.ref.id, {
    apiKey: fake.apiKey,
    apiUrl: fake.url,
    sandboxUrl: fake.url,
    domain: 'sandboxes.example.test',
  });
  expect(await handle.endpoints?.([3000, 8080])).toEqual([
    { port: 3000, url: `https://${sdk.getHost(3000)}` },
    { port: 8080, url: `https://${sdk.getHost(8080)}` },
  ]);
  expect(sdk.getHost(3000)).toBe(`3000-${handle.ref.id}.sandboxes.example.test`);
  // Computing them needs no request (and no running sandbox).
  const before = fake.requests().length;
  const again = await backend.reconnect(handle.ref);
  await again.endpoints?.([3000]);
  expect(fake.requests().length).toBe(before);
  await handle.destroy();
});
