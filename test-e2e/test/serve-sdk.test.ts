// The official SDK, agentkernel@0.18.1 unmodified, against the built `agentkernel serve`: on the local
// backend, and on E2B through its offline fake (serve.js, the real E2B SDK on the server side). Every SDK
// method of agentkernel's sandbox API is called, each answer checked for what the SDK's types promise.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  AgentKernel,
  AgentKernelError,
  NotFoundError,
  ServerError,
  ValidationError,
  type StreamEvent,
} from 'agentkernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, REPO_ROOT, startServe, stopServe, tempDir } from './helpers.js';
import { startServer, type RunningServer } from './serve-server.js';

const KEY = 'serve-sdk-test-key-1';

interface Setup {
  readonly backend: string;
  /** Starts what the backend needs and returns the environment and flags of the server. */
  readonly prepare: () => Promise<{ env: Record<string, string>; stop: () => Promise<void> }>;
}

const setups: Setup[] = [
  { backend: 'local', prepare: async () => ({ env: {}, stop: async () => undefined }) },
  {
    backend: 'e2b',
    prepare: async () => {
      const fake: { child: ChildProcess; env: Record<string, string> } = await startServe(
        join(REPO_ROOT, 'plugins', 'e2b', 'dist', 'testing', 'serve.js'),
      );
      return { env: fake.env, stop: () => stopServe(fake.child) };
    },
  },
];

const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) % 256));

async function collect(stream: AsyncGenerator<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe.each(setups)('the agentkernel SDK against agentkernel serve on $backend', ({ backend, prepare }) => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let server: RunningServer;
  let stopBackend: () => Promise<void> = async () => undefined;
  let backendEnv: Record<string, string> = {};
  let client: AgentKernel;
  const name = `sdk-${backend}`;

  beforeAll(async () => {
    home = await tempDir(`serve-sdk-${backend}`);
    const prepared = await prepare();
    stopBackend = prepared.stop;
    backendEnv = prepared.env;
    server = await startServer({
      home: home.path,
      cwd: REPO_ROOT,
      args: ['-B', backend, '--api-key', KEY],
      env: prepared.env,
    });
    client = new AgentKernel({ baseUrl: server.url, apiKey: KEY, timeout: 90_000 });
  }, 60_000);

  afterAll(async () => {
    for (const leftover of [name, `${name}-restored`, `${name}-session`])
      await client?.removeSandbox(leftover).catch(() => undefined);
    await server?.stop();
    await stopBackend();
    await home?.cleanup();
  });

  it('answers health without the key', async () => {
    expect(await new AgentKernel({ baseUrl: server.url }).health()).toBe('ok');
  });

  it('creates, finds, lists and runs commands in a sandbox', async () => {
    const created = await client.createSandbox(name);
    expect(created).toMatchObject({ name, status: 'running', backend });
    expect(created.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await client.getSandbox(name)).toMatchObject({ name, backend, uuid: created.uuid });
    expect(await client.getSandboxByUuid(created.uuid!)).toMatchObject({ name });
    expect((await client.listSandboxes()).map((sandbox) => sandbox.name)).toContain(name);

    const result = await client.execInSandbox(name, ['sh', '-c', 'echo "$GREETING"; pwd; echo oops >&2'], {
      env: ['GREETING=hello'],
    });
    expect(result.output).toBe('hello\n/workspace\n\noops\n');
    expect((await client.execInSandbox(name, ['pwd'], { workdir: '/tmp' })).output).toBe('/tmp\n');
    const logs = (await client.getSandboxLogs(name)) as { type: string; command?: string[] }[];
    expect(logs[0]).toMatchObject({ type: 'sandbox_created', name, backend });
    expect(logs.filter((entry) => entry.type === 'command_executed').map((entry) => entry.command)).toEqual([
      ['sh', '-c', 'echo "$GREETING"; pwd; echo oops >&2'],
      ['pwd'],
    ]);
  });

  it('raises the SDK error with the exit code in the message on a non-zero exit', async () => {
    const failure = await client
      .execInSandbox(name, ['sh', '-c', 'echo partial; exit 7'])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServerError);
    expect((failure as Error).message).toBe('Command exited with code 7: partial\n');
  });

  it('starts, lists, follows and kills detached commands', async () => {
    const done = await client.execDetached(name, ['sh', '-c', 'echo to-out; echo to-err >&2']);
    expect(done).toMatchObject({ sandbox: name, command: ['sh', '-c', 'echo to-out; echo to-err >&2'] });
    expect(done.id).toMatch(/^[0-9a-f]+$/);
    // Ask until it has ended: its end is what the sandbox reports, whenever that is.
    let status = await client.detachedStatus(name, done.id);
    while (status.status === 'running') status = await client.detachedStatus(name, done.id);
    expect(status).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(await client.detachedLogs(name, done.id)).toEqual({ stdout: 'to-out\n' });
    expect(await client.detachedLogs(name, done.id, 'stderr')).toEqual({ stderr: 'to-err\n' });

    const long = await client.execDetached(name, ['sleep', '600']);
    expect((await client.detachedStatus(name, long.id)).status).toBe('running');
    expect((await client.detachedList(name)).map((command) => command.id)).toEqual([done.id, long.id]);
    expect(await client.detachedKill(name, long.id)).toBe('Command killed');
    expect(await client.detachedStatus(name, long.id)).toMatchObject({ status: 'failed', exit_code: 137 });
    await expect(client.detachedStatus(name, 'deadbeef')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('writes and reads text and binary files, deletes them, writes several at once', async () => {
    expect(await client.writeFile(name, 'notes/a.txt', 'héllo\n')).toBe(
      'Wrote 7 bytes to /workspace/notes/a.txt',
    );
    expect(await client.readFile(name, 'notes/a.txt')).toEqual({
      content: 'héllo\n',
      encoding: 'utf8',
      size: 7,
    });
    await client.writeFile(name, '/workspace/data.bin', binary.toString('base64'), { encoding: 'base64' });
    const read = await client.readFile(name, '/workspace/data.bin');
    expect(read.encoding).toBe('base64');
    expect(read.size).toBe(binary.length);
    expect(Buffer.from(read.content, 'base64').equals(binary)).toBe(true);
    expect(await client.writeFiles(name, { 'multi/one.txt': '1', '/workspace/multi/two.txt': '2' })).toEqual({
      written: 2,
    });
    expect((await client.execInSandbox(name, ['cat', 'multi/one.txt', 'multi/two.txt'])).output).toBe('12');
    expect(await client.deleteFile(name, 'notes/a.txt')).toBe('Deleted /workspace/notes/a.txt');
    await expect(client.readFile(name, 'notes/a.txt')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('runs throwaway commands, streamed as Server-Sent Events, and in a batch', async () => {
    expect(await client.run(['sh', '-c', 'echo ran'])).toEqual({ output: 'ran\n' });
    await expect(client.run(['sh', '-c', 'exit 3'])).rejects.toThrow('Command exited with code 3');

    const events = await collect(client.runStream(['sh', '-c', 'echo one; echo two >&2; echo three']));
    expect(events.map((event) => event.type)).toEqual([
      'started',
      'progress',
      'progress',
      ...events.slice(3, -1).map(() => 'output'),
      'done',
    ]);
    expect(events[0]?.data).toMatchObject({
      command: ['sh', '-c', 'echo one; echo two >&2; echo three'],
      fast: true,
    });
    const outputs = events.filter((event) => event.type === 'output');
    expect(
      outputs
        .filter((e) => e.data.stream === 'stdout')
        .map((e) => e.data.data)
        .join(''),
    ).toBe('one\nthree\n');
    expect(
      outputs
        .filter((e) => e.data.stream === 'stderr')
        .map((e) => e.data.data)
        .join(''),
    ).toBe('two\n');
    expect(events.at(-1)?.data).toEqual({ exit_code: 0, success: true });

    const failed = await collect(client.runStream(['sh', '-c', 'echo bad; exit 4']));
    expect(failed.at(-1)).toEqual({ type: 'done', data: { exit_code: 4, success: false, output: 'bad\n' } });

    const batch = await client.batchRun([
      { command: ['echo', 'first'] },
      { command: ['sh', '-c', 'exit 2'] },
    ]);
    expect(batch.results).toEqual([
      { output: 'first\n', error: null },
      { output: null, error: 'Command exited with code 2: ' },
    ]);
    // Every throwaway sandbox is gone again.
    expect((await client.listSandboxes()).map((sandbox) => sandbox.name)).toEqual([name]);
  });

  it('streams output as the command writes it, not when it ends', async () => {
    // The command waits for a file that the client writes only once it has seen the first line, so
    // the stream can only finish if that line arrived while the command was still running.
    const command = ['sh', '-c', 'echo ready; while [ ! -e /workspace/go ]; do sleep 0.05; done; echo after'];
    let sandbox = '';
    const seen: string[] = [];
    for await (const event of client.runStream(command)) {
      if (event.type === 'progress' && typeof event.data.sandbox === 'string') sandbox = event.data.sandbox;
      if (event.type !== 'output') continue;
      seen.push(String(event.data.data));
      if (seen.join('') === 'ready\n') await client.writeFile(sandbox, 'go', '');
    }
    expect(seen.join('')).toBe('ready\nafter\n');
  });

  it('takes, lists, gets and restores a snapshot, then deletes it', async () => {
    const snapshot = await client.takeSnapshot({ sandbox: name, name: `${name}-snap` });
    expect(snapshot).toMatchObject({ name: `${name}-snap`, sandbox: name, backend });
    expect(typeof snapshot.created_at).toBe('string');
    expect((await client.listSnapshots()).map((meta) => meta.name)).toContain(`${name}-snap`);
    expect(await client.getSnapshot(`${name}-snap`)).toMatchObject({ name: `${name}-snap`, sandbox: name });

    const restored = await client.restoreSnapshot(`${name}-snap`);
    expect(restored).toMatchObject({ name: `${name}-restored`, backend });
    const read = await client.readFile(`${name}-restored`, 'data.bin');
    expect(Buffer.from(read.content, 'base64').equals(binary)).toBe(true);
    await client.removeSandbox(`${name}-restored`);

    await client.deleteSnapshot(`${name}-snap`);
    await expect(client.getSnapshot(`${name}-snap`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('gives a sandbox session that runs, reports, writes and removes itself', async () => {
    const session = await client.sandbox(`${name}-session`);
    expect((await session.run(['echo', 'in session'])).output).toBe('in session\n');
    expect(await session.info()).toMatchObject({ name: `${name}-session`, status: 'running' });
    expect(await session.writeFiles({ 's.txt': 'S' })).toEqual({ written: 1 });
    await session[Symbol.asyncDispose]();
    await session.remove();
    await expect(client.getSandbox(`${name}-session`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('extends the TTL with extendTtl, and sandbox info of the CLI shows the same expiry', async () => {
    const first = await client.extendTtl(name, { by: '2h' });
    expect(first.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const second = await client.extendTtl(name, { by: '30m' });
    // Extended from the expiry it had, not from now.
    expect(Date.parse(second.expires_at!) - Date.parse(first.expires_at!)).toBe(30 * 60_000);
    const shown = await agentkernel(['sandbox', 'info', name, '--json'], {
      home: home.path,
      cwd: REPO_ROOT,
      env: backendEnv,
    });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ name, expiresAt: second.expires_at, expired: false });
    await expect(client.extendTtl(name, { by: 'later' })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.extendTtl(`${name}-none`, { by: '1h' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('removes the sandbox, idempotently', async () => {
    await client.removeSandbox(name);
    await client.removeSandbox(name);
    await expect(client.getSandbox(name)).rejects.toBeInstanceOf(NotFoundError);
    const bad = await client.getSandbox('not a name').catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(AgentKernelError);
    expect((bad as Error).name).toBe('ValidationError');
  });
});
