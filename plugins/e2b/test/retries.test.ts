import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AgentkernelError, type Backend } from '@agentkernel/core';
import { SETTLE } from '@agentkernel/testkit';
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

const count = (method: string, path: RegExp): number =>
  fake.requests().filter((request) => request.method === method && path.test(request.path)).length;

describe('retries', () => {
  it('retries 429, 500 and a dropped connection on idempotent calls, then succeeds', async () => {
    const handle = await backend.create(spec());
    const info = new RegExp(`^/sandboxes/${handle.ref.id}$`);
    const before = count('GET', info);
    fake.injectFault({ kind: 'status', status: 429, match: `GET /sandboxes/${handle.ref.id}` });
    fake.injectFault({ kind: 'status', status: 500, match: `GET /sandboxes/${handle.ref.id}` });
    fake.injectFault({ kind: 'drop', match: `GET /sandboxes/${handle.ref.id}` });
    expect(await handle.status()).toBe('running');
    expect(count('GET', info) - before).toBe(4);

    await handle.writeFile('r.txt', Buffer.from('retried read'));
    fake.injectFault({ kind: 'drop', match: 'GET /files', times: 2 });
    expect((await handle.readFile('r.txt')).toString()).toBe('retried read');
    await handle.destroy();
  });

  it('gives up after the retry budget with a clear, typed error', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'status', status: 500, match: `GET /sandboxes/${handle.ref.id}`, times: 10 });
    const error: unknown = await handle.status().catch((caught: unknown) => caught);
    fake.clearFaults();
    expect(AgentkernelError.isInstance(error)).toBe(true);
    const typed = error as AgentkernelError;
    expect(typed.code).toBe('E2B_UNAVAILABLE');
    expect(typed.exitCode).toBe(3);
    expect(typed.message).toMatch(
      /asking for the sandbox status in sandbox \S+ failed after retries: 500: injected server error/,
    );
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

describe('creation token', () => {
  it('adopts the sandbox a lost create response made instead of making a second one', async () => {
    const before = new Set(fake.sandboxes().map((sandbox) => sandbox.sandboxID));
    fake.injectFault({ kind: 'drop-response', match: 'POST /v2/sandboxes' });
    const handle = await backend.create(spec({ labels: { leak: 'guard' } }));
    const made = fake.sandboxes().filter((sandbox) => !before.has(sandbox.sandboxID));
    expect(made.map((sandbox) => sandbox.sandboxID)).toEqual([handle.ref.id]);
    expect(count('POST', /^\/v2\/sandboxes$/)).toBeGreaterThanOrEqual(1);
    expect(made[0]?.metadata.leak).toBe('guard');
    expect((await handle.exec(['true'])).exitCode).toBe(0);
    await handle.destroy();
  });

  it('retries a refused create (503) and still makes exactly one sandbox', async () => {
    const before = fake.sandboxes().length;
    fake.injectFault({ kind: 'status', status: 503, match: 'POST /v2/sandboxes', times: 2 });
    const handle = await backend.create(spec());
    expect(fake.sandboxes().length - before).toBe(1);
    await handle.destroy();
  });

  it('kills what an aborted create made', async () => {
    const before = fake.sandboxes().length;
    const controller = new AbortController();
    fake.injectFault({ kind: 'latency', delayMs: 300, match: 'POST /v2/sandboxes' });
    fake.injectFault({ kind: 'drop-response', match: 'POST /v2/sandboxes' });
    setTimeout(() => controller.abort(new Error('user gave up')), 100);
    const error: unknown = await backend
      .create(spec({ signal: controller.signal }))
      .catch((caught: unknown) => caught);
    expect(String(error)).toContain('user gave up');
    // The sandbox is made after the abort (the fake answers late); then it must be removed again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vi.waitFor(() => expect(fake.sandboxes().length).toBe(before), SETTLE);
  });
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
