import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runloop, toFile } from '@runloop/api-client';
import { startFakeRunloop, type FakeRunloop } from '../src/testing/index.js';

// The real, pinned SDK against the fake, through its own base-URL setting: HTTP/2 (its default) and HTTP/1.1.
let fake: FakeRunloop;
beforeAll(async () => {
  fake = await startFakeRunloop({ transitionMs: 500, longPollMs: 150, blueprints: ['python'] });
});
afterAll(async () => {
  await fake.close();
});

const clientOf = (http2: boolean): Runloop =>
  new Runloop({ bearerToken: fake.apiKey, baseURL: fake.url, http2, maxRetries: 0 });

describe.each([
  ['HTTP/2', true, 'h2'],
  ['HTTP/1.1', false, 'http/1.1'],
])('the Runloop SDK over %s', (_name, http2, protocol) => {
  it('creates a devbox, waiting through 408 re-polls, and runs a command', async () => {
    const client = clientOf(http2);
    const before = fake.requests().length;
    const devbox = await client.devboxes.createAndAwaitRunning({
      name: 'smoke',
      metadata: { owner: 'test' },
      environment_variables: { GREETING: 'hi' },
    });
    expect(devbox.status).toBe('running');
    const seen = fake.requests().slice(before);
    expect(seen.every((request) => request.protocol === protocol)).toBe(true);
    // Booting takes 500 ms and each long poll holds 150 ms: at least one poll was answered 408.
    expect(seen.filter((request) => request.path.endsWith('/wait_for_status')).length).toBeGreaterThanOrEqual(
      2,
    );
    const result = await client.devboxes.executeAndAwaitCompletion(devbox.id, {
      command: 'echo "$GREETING from $(pwd)"; echo err >&2; exit 3',
    });
    expect(result).toMatchObject({
      status: 'completed',
      exit_status: 3,
      stdout: 'hi from /home/user\n',
      stderr: 'err\n',
    });
    await client.devboxes.shutdown(devbox.id);
    expect((await client.devboxes.retrieve(devbox.id)).status).toBe('shutdown');
  });

  it('streams output over SSE, reconnecting from the last offset after an idle 408', async () => {
    const client = clientOf(http2);
    const devbox = await client.devboxes.createAndAwaitRunning({});
    const execution = await client.devboxes.executeAsync(devbox.id, {
      command: 'printf a; sleep 0.5; printf b; sleep 0.5; printf c',
    });
    let received = '';
    const stream = await client.devboxes.executions.streamStdoutUpdates(devbox.id, execution.execution_id);
    for await (const chunk of stream) received += chunk.output;
    expect(received).toBe('abc');
    const paths = fake.requests().map((request) => request.path);
    expect(paths.filter((path) => path.endsWith('/stream_stdout_updates')).length).toBeGreaterThan(1);
    const done = await client.devboxes.executions.awaitCompleted(devbox.id, execution.execution_id);
    expect(done.exit_status).toBe(0);
    await client.devboxes.shutdown(devbox.id);
  });

  it('uploads and downloads bytes exactly', async () => {
    const client = clientOf(http2);
    const devbox = await client.devboxes.createAndAwaitRunning({ blueprint_name: 'python' });
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await client.devboxes.uploadFile(devbox.id, { path: 'all.bin', file: await toFile(bytes, 'all.bin') });
    const response = await client.devboxes.downloadFile(devbox.id, { path: '/home/user/all.bin' });
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    await expect(client.devboxes.downloadFile(devbox.id, { path: 'missing.bin' })).rejects.toMatchObject({
      status: 404,
    });
    await client.devboxes.shutdown(devbox.id);
  });
});
