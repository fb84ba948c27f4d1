import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AgentkernelError,
  LocalSnapshotStore,
  restoreWorkspace,
  SnapshotChecksumError,
  takeSnapshot,
  workspaceRevision,
  type SandboxHandle,
  type SnapshotSource,
} from '@agentkernel/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBed, describeArchiveFile, describeRemote, sandboxSh, type SyncBed } from './sync-fixtures.js';

let bed: SyncBed;
let store: LocalSnapshotStore;
const created: SandboxHandle[] = [];

const source = (handle: SandboxHandle): SnapshotSource => ({
  backend: 'local',
  sandbox: 'snap-source',
  remoteId: handle.ref.id,
  image: 'host',
  resources: { vcpus: 1, memoryMb: 512 },
  ports: [8080],
});

async function newSandbox(name: string): Promise<SandboxHandle> {
  const handle = await bed.backend.create({
    name,
    network: false,
    ports: [],
    env: {},
    workspaceDir: '/workspace',
    labels: {},
  });
  created.push(handle);
  return handle;
}

beforeAll(async () => {
  bed = await createBed('snapshot');
  store = new LocalSnapshotStore(join(bed.home, 'snapshots'));
  await sandboxSh(
    bed.handle,
    [
      'mkdir -p src/deep empty "with space"',
      'printf "hello\\n" > src/deep/hello.txt',
      'head -c 300000 /dev/urandom > data.bin',
      'printf "#!/bin/sh\\n" > run.sh && chmod 750 run.sh',
      'ln -s src/deep/hello.txt link',
      'printf x > "with space/ünïcode file"',
      'chmod 700 empty',
    ].join(' && '),
  );
});
afterAll(async () => {
  for (const handle of created) await handle.destroy().catch(() => undefined);
  await bed.cleanup();
});

describe('portable snapshots on the local backend', () => {
  it('takes a snapshot whose archive and manifest describe the workspace exactly', async () => {
    const manifest = await takeSnapshot({
      handle: bed.handle,
      store,
      name: 'snap-1',
      source: source(bed.handle),
      workspaceDir: '/workspace',
    });
    const archive = store.archivePath('snap-1');
    const original = await describeRemote(bed.handle);
    expect(await describeArchiveFile(archive)).toEqual(original);

    const sha = execFileSync('sha256sum', [archive]).toString().slice(0, 64);
    expect(manifest.workspace).toMatchObject({
      dir: '/workspace',
      fileCount: 4,
      bytes: 6 + 300_000 + 10 + 1,
      archiveSha256: sha,
      archiveBytes: (await stat(archive)).size,
    });
    const unpacked = await mkdtemp(join(bed.home, 'unpacked-'));
    execFileSync('tar', ['-xzf', archive, '-C', unpacked]);
    expect(manifest.workspace.revision).toBe(await workspaceRevision(unpacked, { ignore: false }));
    await rm(unpacked, { recursive: true });
    expect(manifest).toMatchObject({
      specVersion: 1,
      sandbox: 'snap-source',
      backend: 'local',
      base_image: 'host',
      image_tag: 'host',
      vcpus: 1,
      memory_mb: 512,
    });
    expect(manifest.created_at).toBe(manifest.createdAt);
    expect(await store.read('snap-1')).toEqual(manifest);
  });

  it('restores onto a new sandbox with an identical workspace', async () => {
    const manifest = await store.read('snap-1');
    const copy = await newSandbox('snap-copy');
    await restoreWorkspace({ manifest, store, handle: copy, workspaceDir: '/workspace' });
    expect(await describeRemote(copy)).toEqual(await describeRemote(bed.handle));
  });

  it('snapshots an empty workspace and restores it', async () => {
    const empty = await newSandbox('snap-empty');
    const manifest = await takeSnapshot({
      handle: empty,
      store,
      name: 'snap-empty',
      source: source(empty),
      workspaceDir: '/workspace',
    });
    expect(manifest.workspace).toMatchObject({ fileCount: 0, bytes: 0 });
    const copy = await newSandbox('snap-empty-copy');
    await restoreWorkspace({ manifest, store, handle: copy, workspaceDir: '/workspace' });
    expect(await describeRemote(copy)).toEqual(await describeRemote(empty));
  });

  it('refuses a corrupted archive before touching the sandbox', async () => {
    await takeSnapshot({
      handle: bed.handle,
      store,
      name: 'snap-corrupt',
      source: source(bed.handle),
      workspaceDir: '/workspace',
    });
    const manifest = await store.read('snap-corrupt');
    const file = await open(store.archivePath('snap-corrupt'), 'r+');
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, 100);
    await file.write(Buffer.from([byte[0]! ^ 0xff]), 0, 1, 100);
    await file.close();

    const target = await newSandbox('snap-victim');
    await sandboxSh(target, 'echo untouched > keep.txt');
    const before = await describeRemote(target);
    const error = await restoreWorkspace({
      manifest,
      store,
      handle: target,
      workspaceDir: '/workspace',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotChecksumError);
    expect(AgentkernelError.isInstance(error) && error.exitCode).toBe(3);
    const message = (error as Error).message;
    expect(message).toContain('snap-corrupt');
    expect(message).toContain(manifest.workspace.archiveSha256);
    expect(message).toContain((error as SnapshotChecksumError).actual);
    expect(await describeRemote(target)).toEqual(before);
  });

  it('records a native snapshot handle when asked, as agentkernel does in remote_snapshot', async () => {
    const manifest = await takeSnapshot({
      handle: bed.handle,
      store,
      name: 'snap-native',
      source: source(bed.handle),
      workspaceDir: '/workspace',
      native: true,
    });
    expect(manifest.native?.backend).toBe('local');
    expect(manifest.remote_snapshot).toBe(manifest.native?.id);
  });

  it('leaves no snapshot behind when the workspace cannot be archived', async () => {
    await expect(
      takeSnapshot({
        handle: bed.handle,
        store,
        name: 'snap-missing',
        source: source(bed.handle),
        workspaceDir: '/no/such/dir',
      }),
    ).rejects.toSatisfy((e: unknown) => AgentkernelError.isInstance(e));
    expect(await store.has('snap-missing')).toBe(false);
    expect((await store.list()).map((m) => m.name).sort()).toEqual([
      'snap-1',
      'snap-corrupt',
      'snap-empty',
      'snap-native',
    ]);
  });
});
