// The backend's own retries, on top of the SDK's: what Modal throttled or dropped, and what is never repeated.
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, type Backend, type SandboxHandle } from '@agentkernel/core';
import { startFakeModal, type FakeModal } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeModal;
let backend: Backend;
let sandbox: SandboxHandle;
beforeAll(async () => {
  fake = await startFakeModal();
  backend = await openAgainst(fake);
  sandbox = await backend.create(spec());
}, 30_000);
afterAll(async () => {
  await sandbox?.destroy();
  await fake?.close();
});

const attempts = (method: string): number =>
  fake.calls().filter((call) => call.path.endsWith(`/${method}`)).length;

describe('retries', () => {
  it('a throttle without a retry-after hint (the SDK gives up on those) is retried by the backend', async () => {
    const before = attempts('SandboxListV2');
    fake.injectFault({ kind: 'status', match: '/SandboxListV2', status: 429, times: 2 });
    const listed = await backend.list!();
    expect(listed.map((summary) => summary.ref.id)).toContain(sandbox.ref.id);
    expect(attempts('SandboxListV2') - before).toBe(3 + 1); // two refused, the page, the empty page
  });

  it('gives up after max_retries with an error naming the throttle and the knob', async () => {
    const strict = await openAgainst(fake, { max_retries: 0 });
    fake.injectFault({ kind: 'status', match: '/SandboxListV2', status: 429 });
    const error = await strict.list!().catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error)).toBe(true);
    expect((error as AgentkernelError).code).toBe('MODAL_RATE_LIMITED');
    expect((error as AgentkernelError).hint).toContain('max_retries');
    expect(String(error)).toMatch(/Modal kept throttling listing sandboxes/);
  });

  it('a started command runs once, even when the answers to its start are lost', async () => {
    fake.injectFault({ kind: 'drop-response', match: '/TaskExecStart', times: 2 });
    const result = await sandbox.exec(['sh', '-c', 'echo ran >> runs.txt; cat runs.txt']);
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout.toString()).toBe('ran\n');
  });

  it('a command start Modal throttled fails clearly and is not repeated (the SDK may have started it)', async () => {
    fake.injectFault({ kind: 'status', match: '/TaskExecStart', status: 429 });
    const error = await sandbox
      .exec(['sh', '-c', 'echo once >> started.txt'])
      .catch((caught: unknown) => caught);
    expect((error as AgentkernelError).code).toBe('MODAL_RATE_LIMITED');
    expect((await sandbox.exec(['sh', '-c', 'cat started.txt 2>/dev/null; true'])).stdout.toString()).toBe(
      '',
    );
  });

  it('reads and archives survive dropped connections and lost answers', async () => {
    await sandbox.writeFile('data/file.txt', Buffer.from('payload'));
    fake.injectFault({ kind: 'drop', match: '/TaskExecStdioRead', times: 2 });
    fake.injectFault({ kind: 'drop-response', match: '/SandboxWaitV2' });
    expect((await sandbox.readFile('data/file.txt')).toString()).toBe('payload');
    expect(await sandbox.status()).toBe('running');
    fake.injectFault({ kind: 'status', match: '/TaskExecStart', status: 503, times: 3 });
    const archive = await buffer(await sandbox.getArchive('data'));
    expect(archive.subarray(0, 2).toString('hex')).toBe('1f8b');
  });
});
