import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, clearSecrets } from '@agentkernel/core';
import { startFakeRunloop, type FakeRunloop } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

// A fake that echoes the key it was given in its 401 message, so a leak would show.
let fake: FakeRunloop;
beforeAll(async () => {
  fake = await startFakeRunloop({ echoApiKeyInErrors: true });
});
afterAll(async () => {
  await fake.close();
});

describe('a wrong API key', () => {
  it('fails with an auth error that names RUNLOOP_API_KEY and never contains the key', async () => {
    clearSecrets();
    const wrongKey = 'ak_wrong_key_0123456789abcdef';
    const backend = await openAgainst(fake, {}, wrongKey);
    const error: unknown = await backend.create(spec()).catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error)).toBe(true);
    const typed = error as AgentkernelError;
    expect(typed.code).toBe('RUNLOOP_AUTH');
    expect(typed.exitCode).toBe(3);
    expect(typed.hint).toContain('RUNLOOP_API_KEY');
    // The provider's own message came through, with the key masked.
    expect(typed.message).toContain('401 Invalid API key ***');
    expect(JSON.stringify({ message: typed.message, hint: typed.hint, detail: typed.detail })).not.toContain(
      wrongKey,
    );
    expect(fake.devboxes()).toEqual([]);
  });

  it('is not retried: one request, then the error', async () => {
    const backend = await openAgainst(fake, { max_retries: 4 }, 'ak_another_wrong_key_42');
    const before = fake.requests().length;
    await expect(backend.list?.()).rejects.toThrow(/Runloop rejected the credentials while listing devboxes/);
    expect(fake.requests().length - before).toBe(1);
  });
});

describe('secrets in the environment of a devbox', () => {
  it('reach the devbox as its environment, never the devbox view or the request log', async () => {
    const backend = await openAgainst(fake);
    const canary = `canary-${Date.now()}`;
    const handle = await backend.create(spec({ env: { CANARY: canary } }));
    expect((await handle.exec(['sh', '-c', 'printf %s "$CANARY"'])).stdout.toString()).toBe(canary);
    const response = await fetch(`${fake.url}/v1/devboxes/${handle.ref.id}`, {
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    expect(await response.text()).not.toContain(canary);
    expect(JSON.stringify(handle.ref)).not.toContain(canary);
    await handle.destroy();
  });
});
