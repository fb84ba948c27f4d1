// What the adapter sends Modal and how it reads Modal back, beyond the conformance suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, CapabilityUnsupportedError } from '@agentkernel/core';
import { startFakeModal, type FakeModal } from '../src/testing/index.js';
import { openAgainst, openModal } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeModal;
beforeAll(async () => {
  fake = await startFakeModal();
}, 30_000);
afterAll(async () => {
  await fake?.close();
});

const summary = (id: string) => fake.sandboxes().find((sandbox) => sandbox.sandboxId === id);

describe('the modal backend against the offline Modal', () => {
  it('maps the spec onto the create request: app, tags, env, resources, network, ports, timeouts', async () => {
    const backend = await openModal({}, { ...fake.env, MODAL_APP_NAME: 'my-app', MODAL_ENVIRONMENT: 'dev' });
    const handle = await backend.create(
      spec({
        name: 'mapped',
        vcpus: 2,
        memoryMb: 1024,
        env: { K: 'v' },
        ports: [8080],
        network: true,
        idleTimeoutMs: 1500,
        labels: { team: 'a' },
      }),
    );
    const made = summary(handle.ref.id);
    expect(made).toMatchObject({
      app: 'dev/my-app',
      env: { K: 'v' },
      milliCpu: 2000,
      memoryMb: 1024,
      network: true,
      ports: [8080],
      idleTimeoutSecs: 2,
      timeoutSecs: 86_400,
    });
    expect(made?.tags).toMatchObject({
      team: 'a',
      'agentkernel.managed': 'true',
      'agentkernel.name': 'mapped',
      'agentkernel.workspace': '/workspace',
    });
    expect(made?.tags['agentkernel.token']).toMatch(/^[0-9a-f-]{36}$/);
    expect(handle.ref).toEqual({
      backend: 'modal',
      id: handle.ref.id,
      metadata: { name: 'mapped', workspaceDir: '/workspace', image: 'debian:bookworm-slim' },
    });
    expect(handle.ref.id).not.toMatch(/^sb-[0-9A-Za-z]{22}$/);
    await handle.destroy();
  });

  it('blocks the network unless the spec allows it, and refuses a reserved label', async () => {
    const backend = await openAgainst(fake);
    const handle = await backend.create(spec());
    expect(summary(handle.ref.id)?.network).toBe(false);
    await handle.destroy();
    await expect(backend.create(spec({ labels: { 'agentkernel.token': 'x' } }))).rejects.toThrow(/reserved/);
  });

  it('stop says Modal cannot pause and keeps the sandbox; start of a live sandbox succeeds', async () => {
    const backend = await openAgainst(fake);
    const handle = await backend.create(spec());
    const error = await handle.stop().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CapabilityUnsupportedError);
    expect(String(error)).toMatch(/cannot be stopped and resumed/);
    expect(await handle.status()).toBe('running');
    await handle.start();
    await handle.destroy();
    expect(await handle.status()).toBe('gone');
  });

  it('an image id is used as is; an unknown one is a clear not-found error', async () => {
    const backend = await openAgainst(fake);
    const source = await backend.create(spec());
    await source.writeFile('kept.txt', Buffer.from('kept'));
    const snapshot = await source.snapshot!('img');
    const from = await backend.create(spec({ image: snapshot.id }));
    expect((await from.readFile('kept.txt')).toString()).toBe('kept');
    const error = await backend.create(spec({ image: 'im-doesnotexist' })).catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error) && error.exitCode).toBe(5);
    await Promise.all([source.destroy(), from.destroy()]);
  });

  it('endpoints name only ports opened at create', async () => {
    const backend = await openAgainst(fake);
    const handle = await backend.create(spec({ ports: [3000] }));
    const [endpoint] = await handle.endpoints!([3000]);
    expect(endpoint?.url).toMatch(/^https:\/\/[0-9a-f]+-3000\.fake-modal\.host$/);
    await expect(handle.endpoints!([4000])).rejects.toThrow(/only at create/);
    await handle.destroy();
  });
});
