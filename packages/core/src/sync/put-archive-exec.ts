import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { SandboxHandle } from '../contract/backend.js';
import { BackendError } from '../errors/errors.js';
import { PUT_PREFIX, UNPACK_SCRIPT } from './remote-script.js';

/**
 * The command that unpacks an archive atomically per file into its working folder (see
 * {@link UNPACK_SCRIPT}): `archive` is a file name in that folder, or `-` to read stdin.
 */
export function unpackCommand(archive: string, tarOptions: readonly string[] = []): string[] {
  return [
    'sh',
    '-c',
    UNPACK_SCRIPT,
    'agentkernel-put',
    `${PUT_PREFIX}${randomUUID()}`,
    archive,
    ...tarOptions,
  ];
}

/**
 * The generic `putArchive` for backends without a native upload (DESIGN.md section 3): the archive is
 * written with `writeFile` (streamed) to a temporary file inside `dir` itself (the one place every
 * backend lets us write; its name is ignored by sync), then unpacked there by {@link unpackCommand}, so
 * every file is replaced atomically.
 */
export async function putArchiveViaExec(
  handle: SandboxHandle,
  dir: string,
  archive: Readable,
): Promise<void> {
  const name = `${PUT_PREFIX}${randomUUID()}.tar.gz`;
  const temp = posix.join(dir, name);
  try {
    await handle.writeFile(temp, archive, { mode: 0o600 });
  } catch (error) {
    await handle.removeFile(temp).catch(() => undefined);
    throw error;
  }
  // The exec's cwd is the folder itself; `dir` may be relative to the workspace.
  const result = await handle.exec(unpackCommand(name), { cwd: dir });
  if (result.exitCode !== 0) {
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(
      handle.ref.backend,
      `tar -x into ${dir} failed with exit code ${result.exitCode}${detail ? `: ${detail}` : ''}`,
    );
  }
}
