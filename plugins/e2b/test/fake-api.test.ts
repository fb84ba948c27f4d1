import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, Sandbox, SandboxError } from 'e2b';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';

let fake: FakeE2B;
let opts: { apiKey: string; apiUrl: string; sandboxUrl: string; retries: 0 };
beforeAll(async () => {
  fake = await startFakeE2B({ templates: ['base', 'code-interpreter-v1'] });
  opts = { apiKey: fake.apiKey, apiUrl: fake.url, sandboxUrl: fake.url, retries: 0 };
});
afterAll(async () => {
  await fake.close();
});

describe('the fake E2B control-plane API, through the real SDK', () => {
  it('answers a wrong key with a 401 JSON error, which the SDK reports as AuthenticationError', async () => {
    const error: unknown = await Sandbox.create({ ...opts, apiKey: 'e2b_not_the_key' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String(error)).toContain('Invalid API key');
    expect(String(error)).not.toContain('e2b_not_the_key');
  });

  it('creates from a known template with metadata, env and lifecycle, and refuses an unknown one', async () => {
    const sandbox = await Sandbox.create('code-interpreter-v1', {
      ...opts,
      metadata: { team: 'a b&c=d' },
      envs: { GREETING: 'hi' },
      lifecycle: { onTimeout: 'pause', autoResume: true },
      allowInternetAccess: false,
    });
    const info = await sandbox.getInfo();
    expect(info).toMatchObject({
      templateId: 'code-interpreter-v1',
      metadata: { team: 'a b&c=d' },
      state: 'running',
    });
    expect(info.lifecycle).toEqual({ onTimeout: 'pause', autoResume: true });
    expect(info.allowInternetAccess).toBe(false);
    expect(fake.sandboxes().find((s) => s.sandboxID === sandbox.sandboxId)?.envVars).toEqual({
      GREETING: 'hi',
    });
    const error: unknown = await Sandbox.create('no-such-template', opts).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).statusCode).toBe(404);
    await sandbox.kill();
  });

  it('lists by metadata, with x-next-token pagination', async () => {
    const made = await Promise.all(
      [1, 2, 3].map(() => Sandbox.create({ ...opts, metadata: { batch: 'paged' } })),
    );
    const other = await Sandbox.create({ ...opts, metadata: { batch: 'other' } });
    const paginator = Sandbox.list({ ...opts, query: { metadata: { batch: 'paged' } }, limit: 2 });
    const first = await paginator.nextItems();
    expect(first).toHaveLength(2);
    expect(paginator.hasNext).toBe(true);
    const second = await paginator.nextItems();
    expect(paginator.hasNext).toBe(false);
    expect([...first, ...second].map((s) => s.sandboxId).sort()).toEqual(made.map((s) => s.sandboxId).sort());
    await made[0]!.pause();
    const paused = await Sandbox.list({
      ...opts,
      query: { metadata: { batch: 'paged' }, state: ['paused'] },
    }).nextItems();
    expect(paused.map((s) => s.sandboxId)).toEqual([made[0]!.sandboxId]);
    await Promise.all([...made, other].map((s) => s.kill()));
  });

  it('pauses (twice: the second says so), resumes on connect, and kills', async () => {
    const sandbox = await Sandbox.create(opts);
    await sandbox.files.write('/home/user/kept.txt', 'kept');
    expect(await sandbox.pause()).toBe(true);
    expect(await sandbox.pause()).toBe(false);
    expect((await sandbox.getInfo()).state).toBe('paused');
    const again = await Sandbox.connect(sandbox.sandboxId, opts);
    expect((await again.getInfo()).state).toBe('running');
    expect(await again.files.read('/home/user/kept.txt')).toBe('kept');
    expect(await sandbox.kill()).toBe(true);
    expect(await sandbox.kill()).toBe(false);
    await expect(Sandbox.connect(sandbox.sandboxId, opts)).rejects.toThrow(/not found/);
  });

  it('pauses or kills a sandbox whose timeout passed, as its lifecycle says', async () => {
    const pausing = await Sandbox.create({ ...opts, lifecycle: { onTimeout: 'pause', autoResume: true } });
    const dying = await Sandbox.create(opts);
    fake.expire(pausing.sandboxId);
    fake.expire(dying.sandboxId);
    expect((await pausing.getInfo()).state).toBe('paused');
    await expect(dying.getInfo()).rejects.toThrow(/not found/);
    // Auto-resume: envd traffic to the paused sandbox wakes it.
    expect((await pausing.commands.run('echo awake')).stdout).toBe('awake\n');
    expect((await pausing.getInfo()).state).toBe('running');
    await pausing.kill();
  });

  it('extends the timeout', async () => {
    const sandbox = await Sandbox.create({ ...opts, timeoutMs: 10_000 });
    await sandbox.setTimeout(600_000);
    const endAt =
      fake
        .sandboxes()
        .find((s) => s.sandboxID === sandbox.sandboxId)
        ?.endAt.getTime() ?? 0;
    expect(endAt - Date.now()).toBeGreaterThan(590_000);
    await sandbox.kill();
  });

  it('takes, lists, restores from and deletes snapshots', async () => {
    const sandbox = await Sandbox.create(opts);
    await sandbox.files.write('/workspace/s.txt', 'snap');
    const snapshot = await sandbox.createSnapshot({ name: 'api-test' });
    expect(snapshot.names).toEqual(['fake-team/api-test:default']);
    const listed = await Sandbox.listSnapshots({ ...opts, sandboxId: sandbox.sandboxId }).nextItems();
    expect(listed.map((s) => s.snapshotId)).toEqual([snapshot.snapshotId]);
    const byName = await Sandbox.listSnapshots({ ...opts, name: 'api-test' }).nextItems();
    expect(byName.map((s) => s.snapshotId)).toEqual([snapshot.snapshotId]);
    const restored = await Sandbox.create('api-test', opts);
    expect(await restored.files.read('/workspace/s.txt')).toBe('snap');
    expect(await Sandbox.deleteSnapshot(snapshot.snapshotId, opts)).toBe(true);
    expect(await Sandbox.deleteSnapshot(snapshot.snapshotId, opts)).toBe(false);
    await Promise.all([sandbox.kill(), restored.kill()]);
  });

  it('injects latency, status codes and dropped connections for the next matching requests', async () => {
    fake.injectFault({ kind: 'status', status: 500, match: /^GET \/v2\/sandboxes$/ });
    await expect(Sandbox.list(opts).nextItems()).rejects.toThrow(/500: injected server error/);
    fake.injectFault({ kind: 'drop', match: 'GET /v2/sandboxes' });
    await expect(Sandbox.list(opts).nextItems()).rejects.toThrow(/fetch failed/);
    fake.injectFault({ kind: 'latency', delayMs: 400, match: 'GET /v2/sandboxes' });
    const started = Date.now();
    await Sandbox.list(opts).nextItems();
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(
      fake
        .requests()
        .filter((r) => r.fault !== undefined)
        .map((r) => r.fault),
    ).toEqual(['status', 'drop', 'latency']);
  });
});
