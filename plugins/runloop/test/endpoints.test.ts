import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRunloop, type FakeRunloop } from '../src/testing/index.js';
import { openAgainst, openRunloop } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeRunloop;
beforeAll(async () => {
  fake = await startFakeRunloop({ transitionMs: 20 });
});
afterAll(async () => {
  await fake.close();
});

describe('endpoints', () => {
  it('enables one open tunnel and gives every port its URL on the tunnel domain', async () => {
    const backend = await openAgainst(fake);
    const handle = await backend.create(spec());
    const first = await handle.endpoints!([8080, 3000]);
    const key = /^https:\/\/8080-([0-9a-f]+)\.tunnel\.runloop\.test$/.exec(first[0]?.url ?? '')?.[1];
    expect(key).toMatch(/^[0-9a-f]{24}$/);
    expect(first).toEqual([
      { port: 8080, url: `https://8080-${key}.tunnel.runloop.test` },
      { port: 3000, url: `https://3000-${key}.tunnel.runloop.test` },
    ]);
    // Asking again reuses the devbox's one tunnel.
    expect(await handle.endpoints!([8080])).toEqual([first[0]]);
    expect(fake.requests().filter((request) => request.path.endsWith('/enable_tunnel'))).toHaveLength(1);
    await handle.destroy();
  });

  it('says to set tunnel_domain when the API is reached by an IP address and none is set', async () => {
    const backend = await openRunloop({}, { RUNLOOP_BASE_URL: fake.url, RUNLOOP_API_KEY: fake.apiKey });
    const handle = await backend.create(spec());
    await expect(handle.endpoints!([8080])).rejects.toThrow(
      /does not parse: set \[remote\.runloop\] tunnel_domain/,
    );
    await handle.destroy();
  });
});
