import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { SandboxHandle } from '../contract/backend.js';
import { BackendError } from '../errors/errors.js';
import { TEMP_PREFIX } from './ignore-rules.js';

// The archive's name is relative to `$1`; `dir` may itself be relative to the workspace (the exec cwd).
const EXTRACT_SCRIPT = 'cd "$1" || exit 90; tar -xzf "$2"; status=$?; rm -f "$2"; exit $status';

/**
 * The generic `putArchive` for backends without a native upload (DESIGN.md section 3): the archive is
 * written with `writeFile` (streamed) to a temporary file inside `dir` itself (the one place every
 * backend lets us write; its name is ignored by sync), unpacked there with `tar -xzf` (GNU or
 * busybox), and removed.
 */
export async function putArchiveViaExec(
  handle: SandboxHandle,
  dir: string,
  archive: Readable,
): Promise<void> {
  const name = `${TEMP_PREFIX}put-${randomUUID()}.tar.gz`;
  const temp = posix.join(dir, name);
  try {
    await handle.writeFile(temp, archive, { mode: 0o600 });
  } catch (error) {
    await handle.removeFile(temp).catch(() => undefined);
    throw error;
  }
  const result = await handle.exec(['sh', '-c', EXTRACT_SCRIPT, 'agentkernel-put', dir, name]);
  if (result.exitCode !== 0) {
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(
      handle.ref.backend,
      `tar -x into ${dir} failed with exit code ${result.exitCode}${detail ? `: ${detail}` : ''}`,
    );
  }
}
