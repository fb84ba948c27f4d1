import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentkernelError, UsageError, type SandboxHandle } from '@agentkernel/core';
import {
  IsolationUnavailableError,
  startEnvironment,
  type EnvironmentRecord,
} from '@agentkernel/core/isolation';
import { gone, openLocal, processesWith, spec, tempDataDir } from './helpers.js';

const { dataDir, cleanup } = tempDataDir();
const created: SandboxHandle[] = [];
afterAll(async () => {
  for (const handle of created) await handle.destroy().catch(() => undefined);
  await cleanup();
});

async function sandboxWith(overrides: Parameters<typeof spec>[0] = {}) {
  const { backend, warnings } = await openLocal(dataDir);
  const handle = await backend.create(spec(overrides));
  created.push(handle);
  return { backend, handle, warnings };
}

const out = async (handle: SandboxHandle, script: string): Promise<string> => {
  const result = await handle.exec(['sh', '-c', script]);
  expect(result.exitCode, result.stderr.toString()).toBe(0);
  return result.stdout.toString();
};

const environmentOf = (handle: SandboxHandle): EnvironmentRecord =>
  JSON.parse(readFileSync(join(handle.ref.metadata.dir!, 'environment.json'), 'utf8')) as EnvironmentRecord;

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function answer(url: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      // Node's fetch can sit on an early connection that the forwarder closed (curl sees an empty reply at once).
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      return await response.text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

// As in the issue: a server left in the background by one exec, reached from this machine.
const serve = (port: number) =>
  `(cd /workspace/site && nohup python3 -m http.server ${port} >/dev/null 2>&1 &)`;

describe('a local sandbox is a live environment', () => {
  it('keeps /tmp and background processes from one exec to the next', async () => {
    const { handle } = await sandboxWith({ name: 'live-tmp' });
    await out(handle, 'echo kept > /tmp/note; sleep 300 >/dev/null 2>&1 &');
    expect(await out(handle, 'cat /tmp/note')).toBe('kept\n');
    expect(await out(handle, 'pgrep -x sleep >/dev/null && echo running')).toBe('running\n');
    expect(await out(handle, 'hostname')).toBe('live-tmp\n');
  });

  it('serves a background HTTP server at its endpoint; two sandboxes on port 3000 get two', async () => {
    const sandboxes = [await sandboxWith({ network: true, ports: [3000] })];
    sandboxes.push(await sandboxWith({ network: true, ports: [3000] }));
    const urls: string[] = [];
    for (const [index, { handle }] of sandboxes.entries()) {
      await handle.writeFile('site/index.html', Buffer.from(`sandbox ${index}`));
      await out(handle, serve(3000));
      const endpoints = await handle.endpoints!([3000]);
      expect(endpoints).toHaveLength(1);
      expect(endpoints[0]!.port).toBe(3000);
      expect(endpoints[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      urls.push(endpoints[0]!.url);
    }
    expect(urls[0]).not.toBe(urls[1]);
    expect(await answer(urls[0]!)).toBe('sandbox 0');
    expect(await answer(urls[1]!)).toBe('sandbox 1');
  });

  it('refuses an endpoint for a port that was not declared at create', async () => {
    const { handle } = await sandboxWith({ name: 'undeclared', network: true, ports: [3000] });
    const error: unknown = await handle.endpoints!([4000]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(
      'port 4000 of sandbox undeclared is not forwarded: only the ports declared at create are (3000)',
    );
  });

  it('stop leaves no process of the sandbox; start brings a fresh one up with the workspace kept', async () => {
    const { handle } = await sandboxWith({ network: true, ports: [8080] });
    await handle.writeFile('site/index.html', Buffer.from('before stop'));
    await out(handle, `${serve(8080)}; echo scratch > /tmp/scratch; echo kept > /workspace/kept`);
    const [endpoint] = await handle.endpoints!([8080]);
    expect(await answer(endpoint!.url)).toBe('before stop');
    const before = environmentOf(handle);

    await handle.stop();
    const dir = handle.ref.metadata.dir!;
    expect(processesWith(dir)).toEqual([]);
    for (const pid of [before.pid, before.bwrapPid, before.network!.pid])
      expect(processesWith(`${pid}`).filter((line) => line.startsWith(`${pid}:`))).toEqual([]);
    await expect(fetch(endpoint!.url)).rejects.toThrow();

    await handle.start();
    const after = environmentOf(handle);
    expect(after.pid).not.toBe(before.pid);
    expect(
      await out(handle, 'cat /workspace/kept; ls /tmp; ps -eo comm= | grep -x python3 || echo no server'),
    ).toBe('kept\nno server\n');
  });

  it('starts one environment for commands that arrive together, and a fresh one after it ended', async () => {
    const { handle, warnings } = await sandboxWith();
    await Promise.all([1, 2, 3, 4].map((i) => out(handle, `touch /tmp/${i}`)));
    expect(await out(handle, 'ls /tmp')).toBe('1\n2\n3\n4\n');
    // As after a reboot: the environment's init is gone.
    const { pid } = environmentOf(handle);
    process.kill(pid, 'SIGKILL');
    await until(() => gone(pid));
    expect(await out(handle, 'ls /tmp; echo fresh')).toBe('fresh\n');
    expect(warnings).toEqual([]);
  });

  it('stop also ends an environment whose starter died before recording it', async () => {
    const { handle } = await sandboxWith();
    const dir = handle.ref.metadata.dir!;
    // What a CLI killed between starting the environment and writing environment.json leaves.
    const orphan = await startEnvironment({ root: join(dir, 'workspace'), network: false, stateDir: dir });
    expect(gone(orphan.pid)).toBe(false);
    await handle.stop();
    expect(gone(orphan.pid)).toBe(true);
    expect(processesWith(dir)).toEqual([]);
  });

  it('a stopped sandbox starts nothing', async () => {
    const { handle } = await sandboxWith();
    await handle.stop();
    const error: unknown = await handle.exec(['true']).catch((e: unknown) => e);
    expect(AgentkernelError.isInstance(error) && error.code).toBe('SANDBOX_STOPPED');
    expect(processesWith(handle.ref.metadata.dir!)).toEqual([]);
  });
});

describe('without pasta', () => {
  it('a sandbox with the network on is refused at create, naming the install command', async () => {
    // A PATH with everything isolation needs except pasta.
    const bin = mkdtempSync(join(tmpdir(), 'ak-no-pasta-'));
    try {
      for (const tool of ['bwrap', 'nsenter', 'setpriv']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
      const { backend } = await openLocal(dataDir, { env: { PATH: bin } });
      const error: unknown = await backend.create(spec({ network: true })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IsolationUnavailableError);
      expect((error as Error).message).toContain('needs pasta (from passt)');
      expect((error as Error).message).toContain('apt-get install -y passt');
      // Without the network it is not needed.
      const offline = await backend.create(spec({ network: false }));
      created.push(offline);
      expect((await offline.exec(['echo', 'fine'])).stdout.toString()).toBe('fine\n');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
