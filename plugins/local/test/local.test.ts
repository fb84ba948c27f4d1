import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, stat, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentkernelError,
  assertBackendPlugin,
  UsageError,
  type Backend,
  type SandboxHandle,
} from '@agentkernel/core';
import { createTarGz } from '@agentkernel/testkit';
import plugin, { VERSION, localPlugin } from '../src/index.js';
import { openLocal, spec, tempDataDir } from './helpers.js';

const { dataDir, cleanup } = tempDataDir();
let backend: Backend;
let sandbox: SandboxHandle;
beforeAll(async () => {
  ({ backend } = await openLocal(dataDir));
  sandbox = await backend.create(
    spec({ name: 'paths', env: { SECRET_TOKEN: 'sk-live-123456' }, labels: { team: 'a' } }),
  );
});
afterAll(async () => {
  await sandbox.destroy();
  await cleanup();
});

const code = async (promise: Promise<unknown>) => {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return AgentkernelError.isInstance(error) ? error.code : String(error);
};

describe('the plugin object', () => {
  it('is a valid plugin, exported as default and as plugin, at the package version', () => {
    assertBackendPlugin(plugin, '@agentkernel/backend-local');
    expect(plugin).toBe(localPlugin);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
    expect(localPlugin).toMatchObject({ name: 'local', version: pkg.version, credentials: [] });
    expect(localPlugin.configSchema.isolation).toMatchObject({ type: 'string', default: 'bubblewrap' });
  });
});

describe('sandbox folders', () => {
  it('records the sandbox without secret values; the values sit in a file only the owner can read', async () => {
    const dir = sandbox.ref.metadata.dir!;
    expect(sandbox.ref).toEqual({
      backend: 'local',
      id: expect.stringMatching(/^paths-[0-9a-f]{8}$/),
      metadata: { dir },
    });
    const record = await readFile(join(dir, 'sandbox.json'), 'utf8');
    expect(record).toContain('"SECRET_TOKEN"');
    expect(record).not.toContain('sk-live-123456');
    expect((await stat(join(dir, 'env.json'))).mode & 0o777).toBe(0o600);
    expect((await sandbox.exec(['sh', '-c', 'printf %s "$SECRET_TOKEN"'])).stdout.toString()).toBe(
      'sk-live-123456',
    );
  });

  it('lists sandboxes with their labels', async () => {
    expect((await backend.list!({ labels: { team: 'a' } })).map((s) => s.name)).toEqual(['paths']);
    expect(await backend.list!({ labels: { team: 'b' } })).toEqual([]);
  });

  it('refuses refs of other backends, invalid names and workspace dirs in system folders', async () => {
    await expect(backend.reconnect({ backend: 'e2b', id: 'x', metadata: {} })).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(
      backend.reconnect({ backend: 'local', id: '../escape', metadata: {} }),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(backend.create(spec({ name: 'bad name!' }))).rejects.toBeInstanceOf(UsageError);
    await expect(backend.create(spec({ workspaceDir: '/usr/share/work' }))).rejects.toThrow(
      /workspace directory/,
    );
  });

  it('honours another workspace directory', async () => {
    const other = await backend.create(spec({ workspaceDir: '/home/user/project' }));
    await other.writeFile('/home/user/project/a.txt', Buffer.from('a'));
    expect((await other.exec(['sh', '-c', 'pwd; cat a.txt'])).stdout.toString()).toBe(
      '/home/user/project\na',
    );
    await expect(other.readFile('/workspace/a.txt')).rejects.toThrow(/outside \/home\/user\/project/);
    await other.destroy();
  });
});

describe('paths stay inside the workspace', () => {
  beforeAll(async () => {
    const script =
      'mkdir -p docs && echo doc > docs/readme && ln -sfn /etc up-abs && ln -sfn ../../.. up-rel && ' +
      'ln -sfn /workspace/docs alias && ln -sfn docs rel-alias && ln -sfn /etc/hostname host-file';
    expect((await sandbox.exec(['sh', '-c', script])).exitCode).toBe(0);
  });

  it('refuses paths outside the workspace with a clear error', async () => {
    const error: unknown = await sandbox.readFile('/etc/passwd').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(
      'path "/etc/passwd" is outside /workspace, the workspace of sandbox paths',
    );
    expect(await code(sandbox.readFile('../../etc/passwd'))).toBe('USAGE');
    expect(await code(sandbox.writeFile('/tmp/x', Buffer.from('x')))).toBe('USAGE');
  });

  it('refuses symlinks that leave the workspace, absolute or relative', async () => {
    await expect(sandbox.readFile('up-abs/passwd')).rejects.toThrow(
      'through the symlink /workspace/up-abs -> /etc',
    );
    await expect(sandbox.writeFile('up-abs/evil', Buffer.from('x'))).rejects.toBeInstanceOf(UsageError);
    await expect(sandbox.readFile('up-rel/etc/passwd')).rejects.toThrow(
      /leaves the workspace of sandbox paths through a symlink/,
    );
    await expect(sandbox.mkdir('up-rel/made')).rejects.toBeInstanceOf(UsageError);
    await expect(sandbox.readFile('host-file')).rejects.toBeInstanceOf(UsageError);
  });

  it('follows symlinks that stay inside, as the sandbox sees them', async () => {
    expect((await sandbox.readFile('alias/readme')).toString()).toBe('doc\n');
    expect((await sandbox.readFile('rel-alias/readme')).toString()).toBe('doc\n');
    await sandbox.writeFile('alias/written', Buffer.from('through a link'));
    expect((await sandbox.readFile('docs/written')).toString()).toBe('through a link');
  });

  it('removes a symlink itself, never its target', async () => {
    const before = readFileSync('/etc/hostname');
    await sandbox.removeFile('host-file');
    expect(readFileSync('/etc/hostname').equals(before)).toBe(true);
    expect((await sandbox.exec(['sh', '-c', 'test -e host-file || test -L host-file'])).exitCode).toBe(1);
  });

  it('refuses to remove or overwrite the workspace itself, or to read a directory', async () => {
    await expect(sandbox.removeFile('/workspace')).rejects.toThrow(/refusing to remove \/workspace/);
    await expect(sandbox.writeFile('.', Buffer.from('x'))).rejects.toBeInstanceOf(UsageError);
    await expect(sandbox.readFile('docs')).rejects.toThrow(/is not a regular file/);
    await expect(sandbox.writeFile('docs', Buffer.from('x'))).rejects.toThrow(/it is a directory/);
  });

  it('keeps the old content when a streamed write fails', async () => {
    await sandbox.writeFile('keep.txt', Buffer.from('old'));
    const failing = new Readable({
      read() {
        this.destroy(new Error('source broke'));
      },
    });
    await expect(sandbox.writeFile('keep.txt', failing)).rejects.toThrow(
      /writing "keep.txt" in sandbox paths failed: source broke/,
    );
    expect((await sandbox.readFile('keep.txt')).toString()).toBe('old');
    const leftovers = (
      await sandbox.exec(['sh', '-c', 'ls -A | grep agentkernel-tmp || true'])
    ).stdout.toString();
    expect(leftovers).toBe('');
  });
});

describe('archives cannot escape', () => {
  it('keeps hostile entries inside the sandbox', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'ak-outside-'));
    const token = `evil-${Date.now()}`;
    const archive = createTarGz([
      { path: `../${token}-dotdot.txt`, type: 'file', content: 'x' },
      { path: `/tmp/${token}-absolute.txt`, type: 'file', content: 'x' },
      { path: 'to-outside', type: 'symlink', linkTarget: outside },
      { path: `to-outside/${token}-via-link.txt`, type: 'file', content: 'x' },
    ]);
    await sandbox.putArchive('hostile', Readable.from([archive])).catch(() => undefined);
    const sandboxesDir = join(sandbox.ref.metadata.dir!, '..');
    for (const place of [outside, '/tmp', sandboxesDir, join(sandbox.ref.metadata.dir!, 'workspace')]) {
      expect(
        readdirSync(place).filter((name) => name.includes(token)),
        place,
      ).toEqual([]);
    }
    await rm(outside, { recursive: true, force: true });
  });

  it('reports a corrupt archive as a backend error naming the directory', async () => {
    await expect(
      sandbox.putArchive('corrupt', Readable.from([Buffer.from('not a tarball')])),
    ).rejects.toThrow(/unpacking an archive into "corrupt" in sandbox paths failed \(tar exit 2\)/);
  });

  it('refuses archive paths that leave the directory', async () => {
    await expect(sandbox.getArchive('docs', ['../paths'])).rejects.toBeInstanceOf(UsageError);
    await expect(sandbox.getArchive('no-such-dir')).rejects.toThrow(/no directory "no-such-dir"/);
  });
});

describe('native snapshots', () => {
  it('refuses handles of other backends and restores a deleted snapshot as not found', async () => {
    await writeFile(join(sandbox.ref.metadata.dir!, 'workspace', 'snap.txt'), 'v1');
    const snapshot = await sandbox.snapshot!('before');
    expect(statSync(join(snapshot.metadata.dir!, 'workspace', 'snap.txt')).isFile()).toBe(true);
    await backend.deleteSnapshot!(snapshot);
    await backend.deleteSnapshot!(snapshot);
    expect(await code(backend.create(spec({ fromSnapshot: snapshot })))).toBe('SNAPSHOT_NOT_FOUND');
    expect(
      await code(backend.create(spec({ fromSnapshot: { backend: 'e2b', id: 'x', metadata: {} } }))),
    ).toBe('USAGE');
    expect(await code(sandbox.snapshot!('bad name!'))).toBe('USAGE');
  });
});
