import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxGoneError } from '@agentkernel/core';
import { startFakeDaytona, type FakeDaytona } from '../src/testing/index.js';
import { ttlMinutesUntil } from '../src/lifetime.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

// Daytona destroys a sandbox when its TTL (ttlMinutes, setTtl) elapses, whatever its state: the real
// SDK against the fake shows a TTL's expiry is handed to it at create and moved by setExpiry.
let fake: FakeDaytona;
beforeAll(async () => {
  fake = await startFakeDaytona();
});
afterAll(async () => {
  await fake.close();
});

const destroyAtOf = (id: string): number | undefined => {
  const found = fake.sandboxes().find((sandbox) => sandbox.id === id);
  if (found === undefined) throw new Error(`the fake has no sandbox ${id}`);
  return found.autoDestroyAt === undefined ? undefined : Date.parse(found.autoDestroyAt);
};
const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();

describe('ttlMinutesUntil', () => {
  const now = Date.parse('2026-01-01T00:00:00.000Z');
  it('rounds up to whole minutes, at least one', () => {
    expect(ttlMinutesUntil('2026-01-01T01:00:00.000Z', now)).toBe(60);
    expect(ttlMinutesUntil('2026-01-01T00:00:30.000Z', now)).toBe(1);
    expect(ttlMinutesUntil('2026-01-01T00:01:00.001Z', now)).toBe(2);
    expect(ttlMinutesUntil('2025-12-31T00:00:00.000Z', now)).toBe(1);
  });
});

describe('a TTL on Daytona', () => {
  it('is ttlMinutes at create: Daytona destroys it at the expiry, not before, within a minute after', async () => {
    const backend = await openAgainst(fake);
    const expiresAt = inMs(90 * 60_000);
    const handle = await backend.create({ ...spec(), expiresAt });
    const at = destroyAtOf(handle.ref.id);
    expect(at).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    expect(at).toBeLessThanOrEqual(Date.parse(expiresAt) + 60_000);
    await handle.destroy();
  });

  it('setExpiry re-anchors it, later or sooner, through setTtl, and keeps the ref', async () => {
    const backend = await openAgainst(fake);
    const handle = await backend.create({ ...spec(), expiresAt: inMs(10 * 60_000) });
    const later = inMs(5 * 3_600_000);
    expect(await handle.setExpiry!(later)).toEqual(handle.ref);
    expect(destroyAtOf(handle.ref.id)).toBeGreaterThanOrEqual(Date.parse(later));
    await handle.stop();
    const sooner = inMs(3 * 60_000);
    await (
      await backend.reconnect(handle.ref)
    ).setExpiry!(sooner);
    expect(destroyAtOf(handle.ref.id)).toBeGreaterThanOrEqual(Date.parse(sooner));
    expect(destroyAtOf(handle.ref.id)).toBeLessThanOrEqual(Date.parse(sooner) + 60_000);
    await handle.destroy();
    await expect((await backend.reconnect(handle.ref)).setExpiry!(later)).rejects.toSatisfy((error) =>
      SandboxGoneError.isInstance(error),
    );
  });

  it('without a TTL there is none', async () => {
    const backend = await openAgainst(fake);
    const handle = await backend.create(spec());
    expect(destroyAtOf(handle.ref.id)).toBeUndefined();
    await handle.destroy();
  });
});
