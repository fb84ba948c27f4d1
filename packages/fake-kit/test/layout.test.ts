import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxFolders, resolveInSandbox, type SandboxLayout } from '../src/index.js';

const layout: SandboxLayout = { writable: ['/workspace', '/home/me', '/tmp'], home: '/home/me', user: 'me' };
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fake-kit-layout-'));
  await createSandboxFolders(root, layout);
  await writeFile(join(root, 'workspace/a.txt'), 'a');
  await symlink('/workspace', join(root, 'home/me/ws'));
  await symlink('../../../../../../etc', join(root, 'workspace/up'));
  await symlink('/root/secret', join(root, 'workspace/out'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('resolveInSandbox', () => {
  it('maps writable folders under the root and system folders read-only, relative paths under home', async () => {
    expect(await resolveInSandbox(root, layout, '/workspace/a.txt')).toMatchObject({
      hostPath: join(root, 'workspace/a.txt'),
      writable: true,
    });
    expect(await resolveInSandbox(root, layout, 'ws/a.txt')).toMatchObject({
      sandboxPath: '/workspace/a.txt',
      hostPath: join(root, 'workspace/a.txt'),
    });
    expect(await resolveInSandbox(root, layout, '/etc/hostname')).toMatchObject({
      hostPath: '/etc/hostname',
      writable: false,
    });
  });

  it('follows symlinks in sandbox space: a relative ../ chain reaches the sandbox /etc, never the host root', async () => {
    const up = await resolveInSandbox(root, layout, '/workspace/up/hostname');
    expect(up).toMatchObject({ sandboxPath: '/etc/hostname', hostPath: '/etc/hostname', writable: false });
  });

  it('refuses paths and links outside every folder the fake backs', async () => {
    expect(await resolveInSandbox(root, layout, '/root/x')).toBeUndefined();
    expect(await resolveInSandbox(root, layout, '/workspace/out')).toBeUndefined();
    expect(await resolveInSandbox(root, layout, '/home')).toBeUndefined();
  });

  it('leaves a final symlink itself when asked', async () => {
    expect(await resolveInSandbox(root, layout, '/workspace/out', false)).toMatchObject({
      hostPath: join(root, 'workspace/out'),
    });
  });
});
