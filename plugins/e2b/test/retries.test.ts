import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AgentkernelError, type Backend } from '@agentkernel/core';
import { SETTLE, testProviderFaults } from '@agentkernel/testkit';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeE2B;
let backend: Backend;

beforeAll(async () => {
  fake = await startFakeE2B();
  backend = await openAgainst(fake, { max_retries: 3 });
});
afterAll(async () => {
  await fake.close();
});

describe('retries', () => {
  it('retries a dropped file read', async () => {
    const handle = await backend.create(spec());
    await handle.writeFile('r.txt', Buffer.from('retried read'));
    fake.injectFault({ kind: 'drop', match: 'GET /files', times: 2 });
    expect((await handle.readFile('r.txt')).toString()).toBe('retried read');
    await handle.destroy();
  });

  it('does not repeat a command whose start may have reached the sandbox', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'drop-response', match: 'POST /process.Process/Start' });
    const error: unknown = await handle
      .exec(['sh', '-c', 'echo x >> runs.txt'])
      .catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error)).toBe(true);
    // The first attempt ran; nothing ran it a second time.
    await vi.waitFor(async () => expect((await handle.readFile('runs.txt')).toString()).toBe('x\n'), SETTLE);
    await handle.destroy();
  });

  it('retries a refused command start (429): the command runs exactly once', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'status', status: 429, match: 'POST /process.Process/Start' });
    const result = await handle.exec(['sh', '-c', 'echo y >> once.txt; cat once.txt']);
    expect(result.stdout.toString()).toBe('y\n');
    await handle.destroy();
  });
});

testProviderFaults({
  name: 'e2b',
  fake: () => fake,
  backend: () => backend,
  spec,
  statusRequest: (id) => ['GET', `/sandboxes/${id}`],
  createRequest: 'POST /v2/sandboxes',
  sandboxes: () => fake.sandboxes().map((sandbox) => ({ id: sandbox.sandboxID, labels: sandbox.metadata })),
  liveSandboxes: () => fake.sandboxes().map((sandbox) => sandbox.sandboxID),
  unavailableCode: 'E2B_UNAVAILABLE',
});

describe('cleanup after a failed create', () => {
  // The workspace is prepared by a command right after the sandbox is made: failing it for good makes
  // the create fail with a sandbox already made at the provider.
  const failPrepare = () =>
    fake.injectFault({ kind: 'status', status: 400, match: 'POST /process.Process/Start' });

  it('kills the sandbox a failed create made, retrying the kill through transient failures', async () => {
    const before = fake.sandboxes().length;
    failPrepare();
    fake.injectFault({ kind: 'status', status: 503, match: /^DELETE \/sandboxes\//, times: 2 });
    const error: unknown = await backend.create(spec()).catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error)).toBe(true);
    expect((error as AgentkernelError).message).toContain('creating /workspace');
    expect(fake.sandboxes().length).toBe(before);
  });

  it('names the sandbox left behind when it cannot be killed either', async () => {
    const before = new Set(fake.sandboxes().map((sandbox) => sandbox.sandboxID));
    failPrepare();
    fake.injectFault({ kind: 'status', status: 500, match: /^DELETE \/sandboxes\//, times: 20 });
    const error: unknown = await backend.create(spec()).catch((caught: unknown) => caught);
    fake.clearFaults();
    const left = fake.sandboxes().filter((sandbox) => !before.has(sandbox.sandboxID));
    expect(left).toHaveLength(1);
    const typed = error as AgentkernelError;
    expect(typed.code).toBe('CREATE_LEFT_SANDBOX');
    expect(typed.message).toContain(`it left ${left[0]?.sandboxID} at the provider, and removing it failed`);
    expect(typed.hint).toContain(left[0]?.sandboxID);
    await (await backend.reconnect({ backend: 'e2b', id: left[0]!.sandboxID, metadata: {} })).destroy();
  });
});
