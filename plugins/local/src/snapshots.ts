import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  atomicWriteFile,
  BackendError,
  NotFoundError,
  UsageError,
  validateSandboxName,
  type NativeSnapshotHandle,
} from '@agentkernel/core';
import { BACKEND_NAME } from './name.js';

const run = promisify(execFile);

/** What `snapshot.json` records about a native snapshot. */
interface SnapshotRecord {
  readonly id: string;
  readonly name: string;
  readonly sandbox: string;
  readonly createdAt: string;
}

/** Copies a folder with modes, times and symlinks (`cp -a`, so hard-to-copy files fail loudly). */
export async function copyTree(from: string, to: string): Promise<void> {
  try {
    await run('cp', ['-a', '--', from, to]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new BackendError(
      BACKEND_NAME,
      `copying ${from} to ${to} failed: ${stderr || (error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Takes a native snapshot: a copy of the workspace folder under `snapshotsDir/<id>/workspace`, made
 * under a temporary name and renamed into place, so a half-made snapshot is never visible.
 */
export async function takeSnapshot(
  snapshotsDir: string,
  workspace: string,
  sandbox: string,
  name: string,
): Promise<NativeSnapshotHandle> {
  validateSandboxName(name, 'snapshot name');
  const id = `${name}-${randomBytes(4).toString('hex')}`;
  const dir = join(snapshotsDir, id);
  const staging = join(snapshotsDir, `.taking-${id}`);
  await mkdir(staging, { recursive: true });
  try {
    await copyTree(workspace, join(staging, 'workspace'));
    const record: SnapshotRecord = { id, name, sandbox, createdAt: new Date().toISOString() };
    await atomicWriteFile(join(staging, 'snapshot.json'), `${JSON.stringify(record, null, 2)}\n`);
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { backend: BACKEND_NAME, id, metadata: { dir, name } };
}

function snapshotDir(snapshotsDir: string, handle: NativeSnapshotHandle): string {
  if (handle.backend !== BACKEND_NAME || !/^[A-Za-z0-9_-]+$/.test(handle.id)) {
    throw new UsageError(
      `snapshot ${JSON.stringify(handle.id)} of backend "${handle.backend}" is not a local snapshot`,
      { backend: BACKEND_NAME },
    );
  }
  return handle.metadata.dir ?? join(snapshotsDir, handle.id);
}

async function isSnapshot(dir: string, id: string): Promise<boolean> {
  try {
    return (JSON.parse(await readFile(join(dir, 'snapshot.json'), 'utf8')) as SnapshotRecord).id === id;
  } catch {
    return false;
  }
}

/** The workspace folder of a native snapshot; `NotFoundError` when it was deleted. */
export async function snapshotWorkspace(snapshotsDir: string, handle: NativeSnapshotHandle): Promise<string> {
  const dir = snapshotDir(snapshotsDir, handle);
  if (!(await isSnapshot(dir, handle.id))) {
    throw new NotFoundError(`native snapshot ${handle.id} no longer exists`, {
      backend: BACKEND_NAME,
      code: 'SNAPSHOT_NOT_FOUND',
    });
  }
  return join(dir, 'workspace');
}

/** Deletes a native snapshot; deleting one that is already gone succeeds. */
export async function deleteSnapshot(snapshotsDir: string, handle: NativeSnapshotHandle): Promise<void> {
  const dir = snapshotDir(snapshotsDir, handle);
  // Only a folder that says it is this snapshot is removed, whatever the handle's metadata claims.
  if (!(await isSnapshot(dir, handle.id))) return;
  const trash = `${dir}.deleting-${randomBytes(4).toString('hex')}`;
  await rename(dir, trash);
  await rm(trash, { recursive: true, force: true });
}
