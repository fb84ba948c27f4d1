import { readdir, stat, lstat } from 'node:fs/promises';
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { BackendError, NotFoundError, unpackCommand, UsageError } from '@agentkernel/core';
import { runIsolated, spawnIsolated, type IsolationOptions } from '@agentkernel/core/isolation';
import { makeWorkspaceDir } from './files.js';
import { hostPath, type Workspace } from './paths.js';
import { BACKEND_NAME } from './name.js';

// GNU tar exits 1 when a file changed while it was read (a live workspace); the archive is still usable.
const TAR_WARNING = 1;

/**
 * Unpacks a gzip tar stream into `dir` by running tar inside the sandbox, so no entry (an absolute
 * path, `..`, a symlink) can land outside what the sandbox itself may write; core's unpack command
 * stages the files and renames them into place, so an interrupted upload leaves each file old or new.
 */
export async function putArchive(
  isolation: IsolationOptions,
  workspace: Workspace,
  dir: string,
  archive: Readable,
): Promise<void> {
  await makeWorkspaceDir(workspace, dir);
  const result = await runIsolated({
    ...isolation,
    argv: unpackCommand('-', ['-p', '--no-same-owner']),
    cwd: posix.resolve(workspace.dir, dir),
    stdin: archive,
  });
  if (result.exitCode !== 0) {
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(
      BACKEND_NAME,
      `unpacking an archive into "${dir}" in sandbox ${workspace.name} failed (tar exit ${result.exitCode}): ${detail}`,
    );
  }
}

async function entryNames(
  workspace: Workspace,
  dir: string,
  hostDir: string,
  paths: readonly string[] | undefined,
): Promise<string[]> {
  if (paths === undefined) return (await readdir(hostDir)).sort();
  const names: string[] = [];
  for (const path of paths) {
    const name = posix.normalize(path).replace(/\/+$/, '');
    if (posix.isAbsolute(name) || name === '..' || name.startsWith('../') || name === '' || name === '.') {
      throw new UsageError(`archive path "${path}" must be relative to "${dir}" and inside it`, {
        backend: BACKEND_NAME,
      });
    }
    const host = await hostPath(workspace, posix.join(posix.resolve(workspace.dir, dir), name), false);
    if ((await lstat(host).catch(() => undefined)) === undefined) {
      throw new NotFoundError(`no "${name}" in "${dir}" of sandbox ${workspace.name}`, {
        backend: BACKEND_NAME,
      });
    }
    names.push(name);
  }
  return names;
}

/** Packs `paths` of `dir` (everything when absent) into a gzip tar stream by running tar inside the sandbox. */
export async function getArchive(
  isolation: IsolationOptions,
  workspace: Workspace,
  dir: string,
  paths: readonly string[] | undefined,
): Promise<Readable> {
  const hostDir = await hostPath(workspace, dir, true);
  const info = await stat(hostDir).catch(() => undefined);
  if (info === undefined)
    throw new NotFoundError(`no directory "${dir}" in sandbox ${workspace.name}`, { backend: BACKEND_NAME });
  if (!info.isDirectory())
    throw new UsageError(`"${dir}" in sandbox ${workspace.name} is not a directory`, {
      backend: BACKEND_NAME,
    });
  const names = await entryNames(workspace, dir, hostDir, paths);

  const proc = await spawnIsolated({
    ...isolation,
    // NUL-separated names on stdin: any file name works and the list has no length limit.
    argv: ['tar', '-czf', '-', '--null', '--verbatim-files-from', '-T', '-'],
    cwd: posix.resolve(workspace.dir, dir),
    stdin: 'pipe',
  });
  proc.stdin?.on('error', () => undefined);
  proc.stdin?.end(names.map((name) => `${name}\0`).join(''));
  const stdout = proc.stdout as Readable;
  const errors: Buffer[] = [];
  proc.stderr?.on('data', (chunk: Buffer) => errors.push(chunk));

  const out = new PassThrough();
  let done = false;
  // A consumer that stops reading must not leave tar blocked on a full pipe.
  out.once('close', () => done || proc.kill());
  stdout.pipe(out, { end: false });
  void Promise.all([proc.exited, finished(stdout).catch(() => undefined)]).then(([exit]) => {
    done = true;
    if (exit.exitCode === 0 || exit.exitCode === TAR_WARNING) {
      out.end();
      return;
    }
    const detail = Buffer.concat(errors).toString('utf8').trim();
    out.destroy(
      new BackendError(
        BACKEND_NAME,
        `packing "${dir}" in sandbox ${workspace.name} failed (tar exit ${exit.exitCode}): ${detail}`,
      ),
    );
  });
  return out;
}
