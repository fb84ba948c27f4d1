import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxGoneError } from '@agentkernel/core';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';
import { E2B_DEFAULT_TIMEOUT_MS, timeoutFor } from '../src/metadata.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

// E2B's sandbox timeout is when E2B ends the sandbox, and every connect moves it later only: the real
// SDK against the fake shows that it is never set past a TTL's expiry, and that setExpiry moves it.
let fake: FakeE2B;
beforeAll(async () => {
  fake = await startFakeE2B();
});
afterAll(async () => {
  await fake.close();
});

const endOf = (id: string): number => {
  const sandbox = fake.sandboxes().find((candidate) => candidate.sandboxID === id);
  if (sandbox === undefined) throw new Error(`the fake has no sandbox ${id}`);
  return sandbox.endAt.getTime();
};
const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
// E2B's end is never past the expiry, but the fake's clock reads the request later than the plugin's.
const SLACK_MS = 1000;

describe('timeoutFor', () => {
  const now = Date.parse('2026-01-01T00:00:00.000Z');
  it('is the idle timeout (or nothing) without a TTL', () => {
    expect(timeoutFor({}, now)).toBeUndefined();
    expect(timeoutFor({ idleTimeoutMs: 60_000 }, now)).toBe(60_000);
  });
  it('never reaches past the expiry, and is at least a second', () => {
    const expiresAt = '2026-01-01T00:02:00.000Z';
    expect(timeoutFor({ expiresAt }, now)).toBe(119_000);
    expect(timeoutFor({ expiresAt: '2026-01-01T00:02:00.500Z' }, now)).toBe(119_000);
    expect(timeoutFor({ expiresAt: '2026-01-02T00:00:00.000Z' }, now)).toBe(E2B_DEFAULT_TIMEOUT_MS);
    expect(timeoutFor({ expiresAt: '2026-01-02T00:00:00.000Z', idleTimeoutMs: 600_000 }, now)).toBe(600_000);
    expect(timeoutFor({ expiresAt: '2025-12-31T00:00:00.000Z' }, now)).toBe(1000);
  });
});

describe('a TTL on E2B', () => {
  it('a create with an expiry two minutes ahead gets E2B to end it then, not at its default five', async () => {
    const backend = await openAgainst(fake);
    const expiresAt = inMs(120_000);
    const handle = await backend.create({ ...spec(), expiresAt });
    expect(handle.ref.metadata.expiresAt).toBe(expiresAt);
    expect(endOf(handle.ref.id)).toBeLessThanOrEqual(Date.parse(expiresAt) + SLACK_MS);
    expect(endOf(handle.ref.id)).toBeGreaterThan(Date.parse(expiresAt) - 10_000);
    // A reconnect and a command in a later process (from the ref) do not move it past the expiry.
    const again = await backend.reconnect(handle.ref);
    expect((await again.exec(['true'])).exitCode).toBe(0);
    expect(endOf(handle.ref.id)).toBeLessThanOrEqual(Date.parse(expiresAt) + SLACK_MS);
    await handle.destroy();
  });

  it('setExpiry moves E2B timeout later and earlier, and returns the ref to keep', async () => {
    const backend = await openAgainst(fake);
    const handle = await backend.create({ ...spec(), expiresAt: inMs(60_000) });
    expect(typeof handle.setExpiry).toBe('function');
    const later = inMs(3_600_000);
    const ref = await handle.setExpiry!(later);
    expect(ref).toEqual({ ...handle.ref, metadata: { ...handle.ref.metadata, expiresAt: later } });
    // An hour ahead: E2B keeps it its default five minutes from now, as for any sandbox in use.
    expect(endOf(ref.id)).toBeGreaterThan(Date.now() + E2B_DEFAULT_TIMEOUT_MS - 10_000);
    const sooner = inMs(30_000);
    await (
      await backend.reconnect(ref)
    ).setExpiry!(sooner);
    expect(endOf(ref.id)).toBeLessThanOrEqual(Date.parse(sooner) + SLACK_MS);
    await handle.destroy();
  });

  it('a paused sandbox keeps the new expiry for its resume; a gone one is SandboxGoneError', async () => {
    const backend = await openAgainst(fake);
    const handle = await backend.create({ ...spec(), expiresAt: inMs(3_600_000) });
    await handle.stop();
    const sooner = inMs(90_000);
    const ref = await handle.setExpiry!(sooner);
    await (await backend.reconnect(ref)).start();
    expect(endOf(ref.id)).toBeLessThanOrEqual(Date.parse(sooner) + SLACK_MS);
    await handle.destroy();
    const gone = await backend.reconnect(ref);
    await expect(gone.setExpiry!(inMs(60_000))).rejects.toSatisfy((error) =>
      SandboxGoneError.isInstance(error),
    );
  });

  it('without a TTL nothing changes: E2B default, or the idle timeout', async () => {
    const backend = await openAgainst(fake);
    const plain = await backend.create(spec());
    expect(plain.ref.metadata).not.toHaveProperty('expiresAt');
    expect(endOf(plain.ref.id)).toBeGreaterThan(Date.now() + E2B_DEFAULT_TIMEOUT_MS - 10_000);
    const idle = await backend.create({ ...spec(), idleTimeoutMs: 600_000 });
    expect(endOf(idle.ref.id)).toBeGreaterThan(Date.now() + 600_000 - 10_000);
    await plain.destroy();
    await idle.destroy();
  });
});
