import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { SandboxHandle } from '../contract/backend.js';
import { BackendError } from '../errors/errors.js';

const EXTRACT_SCRIPT = 'mkdir -p "$1" && tar -xzf "$2" -C "$1"; status=$?; rm -f "$2"; exit $status';

/**
 * The generic `putArchive` for backends without a native upload (DESIGN.md section 3): the archive is
 * written to a temporary file in the sandbox with `writeFile` (streamed), unpacked with `tar -xzf`
 * (GNU or busybox), and removed.
 */
export async function putArchiveViaExec(handle: SandboxHandle, dir: string, archive: Readable): Promise<void> {
  const temp = `/tmp/agentkernel-put-${randomUUID()}.tar.gz`;
  try {
    await handle.writeFile(temp, archive, { mode: 0o600 });
  } catch (error) {
    await handle.removeFile(temp).catch(() => undefined);
    throw error;
  }
  const result = await handle.exec(['sh', '-c', EXTRACT_SCRIPT, 'agentkernel-put', dir, temp], { cwd: '/' });
  if (result.exitCode !== 0) {
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(handle.ref.backend, `tar -x into ${dir} failed with exit code ${result.exitCode}${detail ? `: ${detail}` : ''}`);
  }
}
