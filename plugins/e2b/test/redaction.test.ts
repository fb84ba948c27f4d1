import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, clearSecrets } from '@agentkernel/core';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

// A fake that echoes the key it was given in its 401 message, so a leak would show.
let fake: FakeE2B;
beforeAll(async () => {
  fake = await startFakeE2B({ echoApiKeyInErrors: true });
});
afterAll(async () => {
  await fake.close();
});

describe('a wrong API key', () => {
  it('fails with an auth error that names E2B_API_KEY and never contains the key', async () => {
    clearSecrets();
    const wrongKey = 'e2b_wrong_key_0123456789abcdef';
    const backend = await openAgainst(fake, {}, wrongKey);
    const error: unknown = await backend.create(spec()).catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error)).toBe(true);
    const typed = error as AgentkernelError;
    expect(typed.code).toBe('E2B_AUTH');
    expect(typed.exitCode).toBe(3);
    expect(typed.hint).toContain('E2B_API_KEY');
    // The provider's own message came through, with the key masked.
    expect(typed.message).toContain('Invalid API key: ***');
    expect(typed.message).not.toContain(wrongKey);
    expect(JSON.stringify({ message: typed.message, hint: typed.hint, detail: typed.detail })).not.toContain(
      wrongKey,
    );
    expect(fake.sandboxes()).toEqual([]);
  });

  it('is not retried: one request, then the error', async () => {
    const backend = await openAgainst(fake, { max_retries: 4 }, 'e2b_another_wrong_key_42');
    const before = fake.requests().length;
    await expect(backend.list?.()).rejects.toThrow(/E2B rejected the credentials while listing sandboxes/);
    expect(fake.requests().length - before).toBe(1);
  });
});
