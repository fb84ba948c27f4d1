import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, clearSecrets } from '@agentkernel/core';
import { startFakeModal, type FakeModal } from '../src/testing/index.js';
import { openModal } from './helpers/open.js';
import { spec } from './helpers/spec.js';

// A fake that echoes the token pair it was given in its UNAUTHENTICATED message, so a leak would show.
let fake: FakeModal;
beforeAll(async () => {
  fake = await startFakeModal({ echoCredentialsInErrors: true });
}, 30_000);
afterAll(async () => {
  await fake?.close();
});

describe('a wrong Modal token', () => {
  it('fails with an auth error naming MODAL_TOKEN_ID/SECRET that never contains either half', async () => {
    clearSecrets();
    const wrongId = 'ak-wrong-id-0123456789';
    const wrongSecret = 'as-wrong-secret-abcdef0123456789';
    const backend = await openModal(
      {},
      { ...fake.env, MODAL_TOKEN_ID: wrongId, MODAL_TOKEN_SECRET: wrongSecret },
    );
    const error: unknown = await backend.create(spec()).catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error)).toBe(true);
    const typed = error as AgentkernelError;
    expect(typed.code).toBe('MODAL_AUTH');
    expect(typed.exitCode).toBe(3);
    expect(typed.hint).toContain('MODAL_TOKEN_SECRET');
    // The provider's own message came through, with both halves masked.
    expect(typed.message).toMatch(/Token ID or secret is invalid \(got \*+:\*+\)/);
    const shown = JSON.stringify({ message: typed.message, hint: typed.hint, detail: typed.detail });
    expect(shown).not.toContain(wrongId);
    expect(shown).not.toContain(wrongSecret);
    expect(fake.sandboxes()).toEqual([]);
  });

  it('is not retried by the backend: the SDK gives up at once', async () => {
    const backend = await openModal({}, { ...fake.env, MODAL_TOKEN_SECRET: 'as-another-wrong-secret-42' });
    const before = fake.calls().length;
    await expect(backend.list?.()).rejects.toThrow(/Modal rejected the credentials while/);
    expect(fake.calls().length - before).toBe(1);
  });
});
