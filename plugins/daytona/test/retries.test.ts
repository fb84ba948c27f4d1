import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AgentkernelError, type Backend } from '@agentkernel/core';
import { SETTLE } from '@agentkernel/testkit';
import { startFakeDaytona, type FakeDaytona } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeDaytona;
let backend: Backend;

beforeAll(async () => {
  fake = await startFakeDaytona();
  backend = await openAgainst(fake, { max_retries: 3 });
});
afterAll(async () => {
  await backend.close?.();
  await fake.close();
});

const count = (method: string, path: RegExp): number =>
  fake.requests().filter((request) => request.method === method && path.test(request.path)).length;

describe('retries', () => {
  it('retries 429, 500 and a dropped connection on idempotent calls, then succeeds', async () => {
    const handle = await backend.create(spec());
    const info = `GET /api/sandbox/${handle.ref.id}`;
    const before = count('GET', new RegExp(`^/api/sandbox/${handle.ref.id}$`));
    fake.injectFault({ kind: 'status', status: 429, match: info });
    fake.injectFault({ kind: 'status', status: 500, match: info });
    fake.injectFault({ kind: 'drop', match: info });
    expect(await handle.status()).toBe('running');
    expect(count('GET', new RegExp(`^/api/sandbox/${handle.ref.id}$`)) - before).toBeGreaterThanOrEqual(4);

    await handle.writeFile('r.txt', Buffer.from('retried read'));
    fake.injectFault({ kind: 'status', status: 503, match: 'POST /toolbox', times: 2 });
    expect((await handle.readFile('r.txt')).toString()).toBe('retried read');
    await handle.destroy();
  });

  it('gives up after the retry budget with a clear, typed error', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'status', status: 500, match: `GET /api/sandbox/${handle.ref.id}`, times: 10 });
    const error: unknown = await handle.status().catch((caught: unknown) => caught);
    fake.clearFaults();
    expect(AgentkernelError.isInstance(error)).toBe(true);
    const typed = error as AgentkernelError;
    expect(typed.code).toBe('DAYTONA_UNAVAILABLE');
    expect(typed.exitCode).toBe(3);
    expect(typed.message).toMatch(
      /asking for the sandbox status in sandbox \S+ failed after retries: injected server error/,
    );
    await handle.destroy();
  });

  it('a command whose start answer was lost runs exactly once, and its result still comes back', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({
      kind: 'drop-response',
      match: /^POST \/toolbox\/[^/]+\/process\/session\/[^/]+\/exec$/,
    });
    const result = await handle.exec(['sh', '-c', 'echo x >> runs.txt; cat runs.txt']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toBe('x\n');
    expect((await handle.readFile('runs.txt')).toString()).toBe('x\n');
    await handle.destroy();
  });

  it('retries a refused command start (429) and a refused log socket (503): the command runs once', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'status', status: 429, match: /\/process\/session\/[^/]+\/exec$/ });
    fake.injectFault({ kind: 'status', status: 503, match: /\/logs$/ });
    const result = await handle.exec(['sh', '-c', 'echo y >> once.txt; cat once.txt']);
    expect(result.stdout.toString()).toBe('y\n');
    expect(fake.requests().filter((request) => request.fault !== undefined).length).toBeGreaterThanOrEqual(2);
    await handle.destroy();
  });

  it('follows the log again after a dropped WebSocket, and still gets every byte once', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'drop', match: /\/logs$/ });
    const result = await handle.exec(['sh', '-c', 'seq 1 2000']);
    expect(result.stdout.toString()).toBe(`${Array.from({ length: 2000 }, (_, i) => i + 1).join('\n')}\n`);
    await handle.destroy();
  });

  it('retries a stream upload that failed (it is spooled, so it can be sent again)', async () => {
    const handle = await backend.create(spec());
    const before = fake.requests().length;
    fake.injectFault({ kind: 'status', status: 500, match: /\/files\/bulk-upload$/, times: 2 });
    await handle.writeFile(
      'streamed.bin',
      Readable.from([Buffer.from('part one, '), Buffer.from('part two')]),
    );
    expect((await handle.readFile('streamed.bin')).toString()).toBe('part one, part two');
    const uploads = fake
      .requests()
      .slice(before)
      .filter((request) => request.path.endsWith('/files/bulk-upload'));
    expect(uploads.map((request) => request.fault ?? 'ok')).toEqual(['status', 'status', 'ok']);
    await handle.destroy();
  });

  it('retries the session lookup that recovers a lost command start', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'drop-response', match: /\/process\/session\/[^/]+\/exec$/ });
    fake.injectFault({
      kind: 'status',
      status: 500,
      match: /^GET \/toolbox\/[^/]+\/process\/session\/[^/]+$/,
    });
    const result = await handle.exec(['sh', '-c', 'echo z >> lookups.txt; cat lookups.txt']);
    expect(result.stdout.toString()).toBe('z\n');
    await handle.destroy();
  });

  it('takes a snapshot whose answer was lost exactly once', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'drop-response', match: /^POST \/api\/sandbox\/[^/]+\/snapshot$/ });
    const before = fake.snapshots().length;
    const snapshot = await handle.snapshot!('lost answer');
    expect(fake.snapshots().length - before).toBe(1);
    expect(fake.snapshots()).toContain(snapshot.id);
    await backend.deleteSnapshot!(snapshot);
    await handle.destroy();
  });

  it('leaves no exec session behind, even after a failed command start', async () => {
    const handle = await backend.create(spec());
    fake.injectFault({ kind: 'status', status: 400, match: /\/process\/session\/[^/]+\/exec$/ });
    await expect(handle.exec(['true'])).rejects.toThrow(AgentkernelError);
    expect((await handle.exec(['true'])).exitCode).toBe(0);
    expect(fake.sandboxes().find((sandbox) => sandbox.id === handle.ref.id)?.sessions).toBe(0);
    await handle.destroy();
  });
});

describe('creation token', () => {
  it('adopts the sandbox a lost create response made instead of making a second one', async () => {
    const before = new Set(fake.sandboxes().map((sandbox) => sandbox.id));
    fake.injectFault({ kind: 'drop-response', match: 'POST /api/sandbox' });
    const handle = await backend.create(spec({ labels: { leak: 'guard' } }));
    const made = fake.sandboxes().filter((sandbox) => !before.has(sandbox.id));
    expect(made.map((sandbox) => sandbox.id)).toEqual([handle.ref.id]);
    expect(made[0]?.labels.leak).toBe('guard');
    expect((await handle.exec(['true'])).exitCode).toBe(0);
    await handle.destroy();
  });

  it('retries a refused create (503) and still makes exactly one sandbox', async () => {
    const before = fake.sandboxes().length;
    fake.injectFault({ kind: 'status', status: 503, match: 'POST /api/sandbox', times: 2 });
    const handle = await backend.create(spec());
    expect(fake.sandboxes().length - before).toBe(1);
    await handle.destroy();
  });

  it('deletes what an aborted create made', async () => {
    const before = fake.sandboxes().length;
    const controller = new AbortController();
    fake.injectFault({ kind: 'latency', delayMs: 300, match: 'POST /api/sandbox' });
    fake.injectFault({ kind: 'drop-response', match: 'POST /api/sandbox' });
    setTimeout(() => controller.abort(new Error('user gave up')), 100);
    const error: unknown = await backend
      .create(spec({ signal: controller.signal }))
      .catch((caught: unknown) => caught);
    expect(String(error)).toContain('user gave up');
    // The sandbox is made after the abort (the fake answers late); then it must be removed again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vi.waitFor(() => expect(fake.sandboxes().length).toBe(before), SETTLE);
  });

  it('deletes the sandbox when its workspace cannot be prepared', async () => {
    const before = fake.sandboxes().length;
    fake.injectFault({ kind: 'status', status: 500, match: 'POST /toolbox', times: 20 });
    const error: unknown = await backend.create(spec()).catch((caught: unknown) => caught);
    fake.clearFaults();
    expect(AgentkernelError.isInstance(error), String(error)).toBe(true);
    expect(String(error)).toContain('/workspace');
    expect(fake.sandboxes().length).toBe(before);
  });
});
