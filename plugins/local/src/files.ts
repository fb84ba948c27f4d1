import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, lstat, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AgentkernelError,
  BackendError,
  NotFoundError,
  UsageError,
  type WriteFileOptions,
} from '@agentkernel/core';
import { hostPath, type Workspace } from './paths.js';
import { BACKEND_NAME } from './name.js';

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

function failed(what: string, workspace: Workspace, error: unknown): unknown {
  if (AgentkernelError.isInstance(error)) return error;
  return new BackendError(
    BACKEND_NAME,
    `${what} in sandbox ${workspace.name} failed: ${(error as Error).message}`,
    { cause: error },
  );
}

function missing(workspace: Workspace, path: string, cause: unknown): NotFoundError {
  return new NotFoundError(`no file "${path}" in sandbox ${workspace.name}`, {
    backend: BACKEND_NAME,
    cause,
  });
}

/** Reads a regular file of the workspace. */
export async function readWorkspaceFile(workspace: Workspace, path: string): Promise<Buffer> {
  const file = await hostPath(workspace, path, true);
  try {
    const info = await stat(file);
    // Reading a FIFO the sandbox left behind would block forever.
    if (!info.isFile()) {
      throw new UsageError(`"${path}" in sandbox ${workspace.name} is not a regular file`, {
        backend: BACKEND_NAME,
      });
    }
    return await readFile(file);
  } catch (error) {
    if (code(error) === 'ENOENT' || code(error) === 'ENOTDIR') throw missing(workspace, path, error);
    throw failed(`reading "${path}"`, workspace, error);
  }
}

async function existingMode(file: string): Promise<number | undefined> {
  const info = await lstat(file).catch(() => undefined);
  return info?.isFile() ? info.mode & 0o7777 : undefined;
}

/**
 * Writes a file of the workspace through a temporary file and a rename, so a failed or interrupted
 * write leaves the old content. A replaced file keeps its mode unless one is given.
 */
export async function writeWorkspaceFile(
  workspace: Workspace,
  path: string,
  data: Uint8Array | Readable,
  options: WriteFileOptions = {},
): Promise<void> {
  const file = await hostPath(workspace, path, false);
  if (file === workspace.root) {
    throw new UsageError(
      `cannot write to ${workspace.dir}: it is the workspace directory of sandbox ${workspace.name}`,
      { backend: BACKEND_NAME },
    );
  }
  const mode = options.mode ?? (await existingMode(file)) ?? 0o644;
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.agentkernel-tmp`);
  try {
    if (data instanceof Uint8Array) await writeFile(temp, data, { mode });
    else await pipeline(data, createWriteStream(temp, { mode }));
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    if (code(error) === 'EISDIR' || code(error) === 'ENOTEMPTY' || code(error) === 'EEXIST') {
      throw new UsageError(`cannot write "${path}" in sandbox ${workspace.name}: it is a directory`, {
        backend: BACKEND_NAME,
        cause: error,
      });
    }
    if (code(error) === 'ENOTDIR') {
      throw new UsageError(
        `cannot write "${path}" in sandbox ${workspace.name}: a parent is not a directory`,
        {
          backend: BACKEND_NAME,
          cause: error,
        },
      );
    }
    throw failed(`writing "${path}"`, workspace, error);
  }
}

/** Removes a file, a symlink (never its target) or a directory tree; a missing path is fine. */
export async function removeWorkspaceFile(workspace: Workspace, path: string): Promise<void> {
  const file = await hostPath(workspace, path, false);
  if (file === workspace.root) {
    throw new UsageError(
      `refusing to remove ${workspace.dir}, the workspace directory of sandbox ${workspace.name}`,
      {
        backend: BACKEND_NAME,
      },
    );
  }
  await rm(file, { recursive: true, force: true }).catch((error: unknown) => {
    throw failed(`removing "${path}"`, workspace, error);
  });
}

/** Creates a directory of the workspace and its parents. */
export async function makeWorkspaceDir(workspace: Workspace, path: string): Promise<string> {
  const dir = await hostPath(workspace, path, true);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    if (code(error) === 'EEXIST' || code(error) === 'ENOTDIR') {
      throw new UsageError(
        `cannot create directory "${path}" in sandbox ${workspace.name}: a file is in the way`,
        {
          backend: BACKEND_NAME,
          cause: error,
        },
      );
    }
    throw failed(`creating directory "${path}"`, workspace, error);
  }
  return dir;
}
