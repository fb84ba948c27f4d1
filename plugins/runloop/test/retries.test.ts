import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AgentkernelError, type Backend } from '@agentkernel/core';
import { SETTLE, testProviderFaults } from '@agentkernel/testkit';
import { startFakeRunloop, type FakeRunloop } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeRunloop;
let backend: Backend;

beforeAll(async () => {
  fake = await startFakeRunloop({ transitionMs: 20 });
  backend = await openAgainst(fake, { max_retries: 3 });
});
afterAll(async () => {
  await fake.close();
});

const count = (method: string, path: RegExp): number =>
  fake.requests().filter((request) => request.method === method && path.test(request.path)).length;

const live = (): string[] =>
  fake
    .devboxes()
    .filter((devbox) => devbox.status !== 'shutdown')
    .map((devbox) => devbox.id);

describe('retries', () => {
  it('repeats a command start whose answer was lost without running it twice (command_id)', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'drop-response', match: `POST /v1/devboxes/${handle.ref.id}/execute` });
    const result = await handle.exec(['sh', '-c', 'echo x >> runs.txt; cat runs.txt']);
    expect(result.stdout.toString()).toBe('x\n');
    expect(count('POST', new RegExp(`^/v1/devboxes/${handle.ref.id}/execute$`))).toBeGreaterThanOrEqual(2);
    await handle.destroy();
  });

  it('never repeats a streamed command whose start may have reached the devbox', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'drop-response', match: `POST /v1/devboxes/${handle.ref.id}/execute_async` });
    const error: unknown = await handle
      .exec(['sh', '-c', 'echo x >> streamed.txt'], { onStdout: () => undefined })
      .catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('it may have started anyway, so it was not repeated');
    // The first attempt runs on; a slow machine may take a while to finish it.
    await vi.waitFor(
      async () => expect((await handle.readFile('streamed.txt')).toString()).toBe('x\n'),
      SETTLE,
    );
    await handle.destroy();
  });

  it('retries a refused streamed start (429): the command runs exactly once', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({
      kind: 'status',
      status: 429,
      match: `POST /v1/devboxes/${handle.ref.id}/execute_async`,
    });
    const chunks: Buffer[] = [];
    const result = await handle.exec(['sh', '-c', 'echo y >> once.txt; cat once.txt'], {
      onStdout: (chunk) => chunks.push(Buffer.from(chunk)),
    });
    expect(result.exitCode).toBe(0);
    expect(Buffer.concat(chunks).toString()).toBe('y\n');
    await handle.destroy();
  });

  it('reopens a broken output stream from its last offset: nothing lost, nothing twice', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'drop', match: /stream_stdout_updates/, times: 2 });
    const chunks: Buffer[] = [];
    const result = await handle.exec(['sh', '-c', 'for i in 1 2 3; do echo line $i; sleep 0.2; done'], {
      onStdout: (chunk) => chunks.push(Buffer.from(chunk)),
    });
    expect(result.exitCode).toBe(0);
    expect(Buffer.concat(chunks).toString()).toBe('line 1\nline 2\nline 3\n');
    await handle.destroy();
  });
});

describe('list', () => {
  it('reads every page (the fake holds at most 2 devboxes per page) and keeps only ours, by label', async () => {
    const paged = await startFakeRunloop({ transitionMs: 20, pageSize: 2 });
    try {
      const pagedBackend = await openAgainst(paged);
      const made = [];
      for (let i = 0; i < 5; i += 1)
        made.push(await pagedBackend.create(spec({ labels: { batch: 'paged' } })));
      await made[4]!.destroy();
      const listed = await pagedBackend.list!({ labels: { batch: 'paged' } });
      expect(listed.map((summary) => summary.ref.id).sort()).toEqual(
        made
          .slice(0, 4)
          .map((h) => h.ref.id)
          .sort(),
      );
      expect(paged.requests().filter((r) => r.method === 'GET' && r.path === '/v1/devboxes').length).toBe(3);
    } finally {
      await paged.close();
    }
  });
});

// max_retries 3 is four requests in all: the SDK's own retries are off, never counted on top.
testProviderFaults({
  name: 'runloop',
  fake: () => fake,
  backend: () => backend,
  spec,
  statusRequest: (id) => ['GET', `/v1/devboxes/${id}`],
  createRequest: 'POST /v1/devboxes/create_and_await_running',
  sandboxes: () => fake.devboxes().map((devbox) => ({ id: devbox.id, labels: devbox.metadata })),
  liveSandboxes: live,
  everMade: () => fake.devboxes().length,
  unavailableCode: 'RUNLOOP_UNAVAILABLE',
});

describe('cleanup after a failed create', () => {
  it('shuts down a devbox whose workspace could not be prepared', async () => {
    const running = live();
    fake.injectFault({ kind: 'status', status: 500, match: /\/execute$/, times: 4 });
    const error: unknown = await backend.create(spec()).catch((caught: unknown) => caught);
    fake.clearFaults();
    expect(AgentkernelError.isInstance(error) && error.message).toMatch(
      /starting a command .* failed after retries/,
    );
    expect(live()).toEqual(running);
  });

  it('shuts down a devbox that never came up (create gave up while it booted)', async () => {
    const running = live();
    fake.injectFault({ kind: 'status', status: 500, match: /\/wait_for_status$/, times: 20 });
    const slow = await startFakeRunloop({ transitionMs: 400, longPollMs: 100 });
    try {
      const slowBackend = await openAgainst(slow, { max_retries: 1 });
      slow.injectFault({ kind: 'status', status: 500, match: /\/wait_for_status$/, times: 20 });
      const error: unknown = await slowBackend.create(spec()).catch((caught: unknown) => caught);
      expect(AgentkernelError.isInstance(error)).toBe(true);
      expect(slow.devboxes().map((devbox) => devbox.status)).toEqual(['shutdown']);
    } finally {
      fake.clearFaults();
      await slow.close();
    }
    expect(live()).toEqual(running);
  });
});
