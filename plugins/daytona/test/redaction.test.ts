import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, clearSecrets } from '@agentkernel/core';
import { startFakeDaytona, type FakeDaytona } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

// A fake that echoes the key it was given in its 401 message, so a leak would show.
let fake: FakeDaytona;
beforeAll(async () => {
  fake = await startFakeDaytona({ echoApiKeyInErrors: true });
});
afterAll(async () => {
  await fake.close();
});

describe('a wrong API key', () => {
  it('fails with an auth error that names DAYTONA_API_KEY and never contains the key', async () => {
    clearSecrets();
    const wrongKey = 'dtn_wrong_key_0123456789abcdef';
    const backend = await openAgainst(fake, {}, wrongKey);
    const error: unknown = await backend.create(spec()).catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error)).toBe(true);
    const typed = error as AgentkernelError;
    expect(typed.code).toBe('DAYTONA_AUTH');
    expect(typed.exitCode).toBe(3);
    expect(typed.hint).toContain('DAYTONA_API_KEY');
    // The provider's own message came through, with the key masked.
    expect(typed.message).toContain('Invalid API key: ***');
    expect(JSON.stringify({ message: typed.message, hint: typed.hint, detail: typed.detail })).not.toContain(
      wrongKey,
    );
    expect(fake.sandboxes()).toEqual([]);
    await backend.close?.();
  });

  it('is not retried: one request, then the error', async () => {
    const backend = await openAgainst(fake, { max_retries: 4 }, 'dtn_another_wrong_key_42');
    const before = fake.requests().length;
    await expect(backend.list?.()).rejects.toThrow(
      /Daytona rejected the credentials while listing sandboxes/,
    );
    expect(fake.requests().length - before).toBe(1);
    await backend.close?.();
  });
});
