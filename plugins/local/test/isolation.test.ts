import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, formatConfigIssue, parseConfig, UsageError } from '@agentkernel/core';
import { IsolationUnavailableError } from '@agentkernel/core/isolation';
import { openLocal, spec, tempDataDir } from './helpers.js';

const { dataDir, cleanup } = tempDataDir();
afterAll(cleanup);

describe('without bubblewrap', () => {
  it('fails with the install command, creating nothing, when bwrap is not on PATH', async () => {
    const { backend } = await openLocal(dataDir, { env: { PATH: '/usr/local/no-bwrap-here' } });
    const error: unknown = await backend.create(spec()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IsolationUnavailableError);
    expect(AgentkernelError.isInstance(error) && error.exitCode).toBe(3);
    expect((error as Error).message).toContain(
      '[agentkernel] [local] bubblewrap (bwrap) was not found on PATH',
    );
    expect((error as Error).message).toContain('apt-get install -y bubblewrap');
    expect((error as Error).message).toContain('dnf install bubblewrap');
    expect(existsSync(join(dataDir, 'sandboxes')) ? readdirSync(join(dataDir, 'sandboxes')) : []).toEqual([]);
  });

  it('fails the same way for commands in an existing sandbox', async () => {
    const { backend } = await openLocal(dataDir);
    const sandbox = await backend.create(spec());
    const { backend: broken } = await openLocal(dataDir, { env: { PATH: '/usr/local/no-bwrap-here' } });
    const again = await broken.reconnect(sandbox.ref);
    await expect(again.exec(['true'])).rejects.toBeInstanceOf(IsolationUnavailableError);
    await sandbox.destroy();
  });
});

describe('[local] isolation = "none"', () => {
  it('runs commands on the host in the workspace folder and warns on every command', async () => {
    const { backend, warnings } = await openLocal(dataDir, {
      config: { isolation: 'none' },
      env: { PATH: '/usr/local/no-bwrap-here' },
    });
    const sandbox = await backend.create(spec());
    const folder = join(sandbox.ref.metadata.dir!, 'workspace');
    const result = await sandbox.exec(['sh', '-c', 'echo "$AGENTKERNEL_WORKSPACE"; pwd']);
    expect(result.stdout.toString()).toBe(`${folder}\n${realpathSync(folder)}\n`);
    await sandbox.exec(['true']);
    expect(warnings).toEqual([
      'running without isolation ([local] isolation = "none")',
      'running without isolation ([local] isolation = "none")',
    ]);
    await sandbox.destroy();
  });

  it('has an unknown isolation value refused when the file is read, naming file, line and key', () => {
    const file = '/project/agentkernel.toml';
    const parsed = parseConfig('[local]\nisolation = "docker"\n', file);
    expect(parsed.errors.map(formatConfigIssue)).toContainEqual(
      expect.stringMatching(
        /^\/project\/agentkernel\.toml:2: local\.isolation: must be "bubblewrap" or "none"/,
      ),
    );
  });
});

describe('network', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((socket) => socket.end('from the host'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const probe = () => ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`];

  it('is really off without network: a host port cannot be reached, and endpoints refuse', async () => {
    const { backend } = await openLocal(dataDir);
    const sandbox = await backend.create(spec({ network: false }));
    const result = await sandbox.exec(probe());
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout.toString()).toBe('');
    await expect(sandbox.endpoints!([8080])).rejects.toThrow(
      /has no network \(\[security\] network = false\)/,
    );
    await sandbox.destroy();
  });

  it("has a network of its own when on: none of this machine's loopback services are in reach", async () => {
    const { backend } = await openLocal(dataDir);
    const sandbox = await backend.create(spec({ network: true }));
    expect((await sandbox.exec(probe())).stdout.toString()).toBe('');
    // Nor through the gateway, which user-mode networking maps to the host's loopback unless told not to.
    const gateway = await sandbox.exec([
      'bash',
      '-c',
      `gw=$(ip route | sed -n 's/^default via \\([^ ]*\\).*/\\1/p'); timeout 1 bash -c "exec 3<>/dev/tcp/$gw/${port} && cat <&3"`,
    ]);
    expect(gateway.stdout.toString()).toBe('');
    await expect(sandbox.endpoints!([70000])).rejects.toBeInstanceOf(UsageError);
    await sandbox.destroy();
  });

  it('reaches the outside world when on (when this machine does)', async (context) => {
    const host = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: 'registry.npmjs.org', port: 443, timeout: 3000 });
      const done = (reached: boolean): void => {
        socket.destroy();
        resolve(reached);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
    });
    if (!host) {
      console.info('[local] skipped the outbound test: this machine cannot reach registry.npmjs.org:443');
      context.skip('this machine has no outbound network');
    }
    const { backend } = await openLocal(dataDir);
    const sandbox = await backend.create(spec({ network: true }));
    const result = await sandbox.exec([
      'bash',
      '-c',
      'exec 3<>/dev/tcp/registry.npmjs.org/443 && echo connected',
    ]);
    expect(result.stdout.toString(), result.stderr.toString()).toBe('connected\n');
    await sandbox.destroy();
  });
});
