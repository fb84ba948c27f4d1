import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, type Backend } from '@agentkernel/core';
import { testProviderFaults } from '@agentkernel/testkit';
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

describe('retries', () => {
  it('retries a refused toolbox read (503)', async () => {
    const handle = await backend.create(spec());
    await handle.writeFile('r.txt', Buffer.from('retried read'));
    fake.injectFault({ kind: 'status', status: 503, match: 'POST /toolbox', times: 2 });
    expect((await handle.readFile('r.txt')).toString()).toBe('retried read');
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

testProviderFaults({
  name: 'daytona',
  fake: () => fake,
  backend: () => backend,
  spec,
  statusRequest: (id) => ['GET', `/api/sandbox/${id}`],
  createRequest: 'POST /api/sandbox',
  sandboxes: () => fake.sandboxes().map((sandbox) => ({ id: sandbox.id, labels: sandbox.labels })),
  liveSandboxes: () => fake.sandboxes().map((sandbox) => sandbox.id),
  unavailableCode: 'DAYTONA_UNAVAILABLE',
});

describe('cleanup after a failed create', () => {
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
