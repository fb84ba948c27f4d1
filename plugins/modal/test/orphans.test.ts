// A create that Modal acted on but whose answer never arrived must not leave a sandbox behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError } from '@agentkernel/core';
import { startFakeModal, type FakeModal } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeModal;
beforeAll(async () => {
  fake = await startFakeModal();
}, 30_000);
afterAll(async () => {
  await fake?.close();
});

const live = () => fake.sandboxes().filter((sandbox) => !sandbox.finished);

describe('the creation token', () => {
  it('a create whose every answer was lost adopts the sandbox Modal made, found by its token', async () => {
    const backend = await openAgainst(fake);
    // More lost answers than the SDK retries: only the backend's recovery can tell what happened.
    fake.injectFault({ kind: 'drop-response', match: '/SandboxCreateV2', times: 10 });
    const handle = await backend.create(spec({ name: 'lost' }));
    fake.clearFaults();
    const made = fake.sandboxes().filter((sandbox) => sandbox.tags['agentkernel.name'] === 'lost');
    expect(made.map((sandbox) => sandbox.sandboxId)).toEqual([handle.ref.id]);
    expect(await handle.exec(['true'])).toMatchObject({ exitCode: 0 });
    await handle.destroy();
    expect(live()).toEqual([]);
  });

  it('a create that fails after Modal made the sandbox terminates it', async () => {
    const backend = await openAgainst(fake);
    // The sandbox exists; making its workspace fails for good.
    fake.injectFault({ kind: 'status', match: '/TaskExecStart', status: 404, times: 20 });
    const error = await backend.create(spec({ name: 'half-made' })).catch((caught: unknown) => caught);
    fake.clearFaults();
    expect(AgentkernelError.isInstance(error), String(error)).toBe(true);
    const made = fake.sandboxes().filter((sandbox) => sandbox.tags['agentkernel.name'] === 'half-made');
    expect(made).toHaveLength(1);
    expect(live()).toEqual([]);
  });

  it('is never reused: two creates of one name carry different tokens', async () => {
    const backend = await openAgainst(fake);
    const [a, b] = await Promise.all([
      backend.create(spec({ name: 'twin' })),
      backend.create(spec({ name: 'twin' })),
    ]);
    const tokens = [a, b].map(
      (handle) => fake.sandboxes().find((s) => s.sandboxId === handle.ref.id)?.tags['agentkernel.token'],
    );
    expect(new Set(tokens).size).toBe(2);
    await Promise.all([a.destroy(), b.destroy()]);
  });

  it('an abort during create leaves nothing running', async () => {
    const backend = await openAgainst(fake);
    fake.injectFault({ kind: 'latency', match: '/SandboxCreateV2', delayMs: 500 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user abort')), 100);
    const error = await backend
      .create(spec({ name: 'aborted', signal: controller.signal }))
      .catch((caught: unknown) => caught);
    expect(String(error)).toContain('user abort');
    expect(live()).toEqual([]);
  });
});
