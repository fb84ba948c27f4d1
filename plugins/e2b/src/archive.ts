import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { BackendError, NotFoundError, UsageError } from '@agentkernel/core';
import { BACKEND } from './errors.js';
import type { E2BSandboxHandle } from './e2b-sandbox.js';

const MISSING = 44;
// GNU tar exits 1 when a file changed while it was read (a live workspace); the archive is still usable.
const TAR_WARNING = 1;

// $1 directory, $2 archive to write, $3... the entries (all of the directory's when none are given).
// NUL-separated names on tar's stdin: any file name works, and none is taken for an option.
const PACK_SCRIPT = String.raw`
cd -- "$1" 2>/dev/null || { printf 'missing: .\n' >&2; exit ${MISSING}; }
out=$2; shift 2
for p in "$@"; do [ -e "$p" ] || [ -L "$p" ] || { printf 'missing: %s\n' "$p" >&2; exit ${MISSING}; }; done
if [ $# -eq 0 ]; then find . -mindepth 1 -maxdepth 1 -printf '%P\0'; else printf '%s\0' "$@"; fi | tar -czf "$out" --null --verbatim-files-from -T -
`;

function checkEntry(dir: string, path: string): string {
  const name = posix.normalize(path).replace(/\/+$/, '');
  if (posix.isAbsolute(name) || name === '' || name === '.' || name === '..' || name.startsWith('../')) {
    throw new UsageError(`archive path "${path}" must be relative to "${dir}" and inside it`, {
      backend: BACKEND,
    });
  }
  return name;
}

/**
 * Packs `paths` of `dir` with one `tar -czf` in the sandbox and downloads the result as a stream; the
 * temporary archive is removed once the stream is closed.
 */
export async function getArchive(
  handle: E2BSandboxHandle,
  dir: string,
  paths?: readonly string[],
): Promise<Readable> {
  const names = paths?.map((path) => checkEntry(dir, path)) ?? [];
  if (paths !== undefined && names.length === 0) {
    throw new UsageError(`getArchive of "${dir}" was given an empty list of paths`, { backend: BACKEND });
  }
  const temp = `/tmp/agentkernel-get-${randomUUID()}.tar.gz`;
  const result = await handle.exec(['sh', '-c', PACK_SCRIPT, 'agentkernel-get', dir, temp, ...names], {
    cwd: '/',
  });
  if (result.exitCode === MISSING) {
    const missing = result.stderr
      .toString('utf8')
      .trim()
      .replace(/^missing: /, '');
    const what = missing === '.' ? `directory ${dir}` : `"${missing}" in ${dir}`;
    throw new NotFoundError(`no ${what} in sandbox ${handle.ref.id}`, { backend: BACKEND });
  }
  if (result.exitCode !== 0 && result.exitCode !== TAR_WARNING) {
    await handle.removeFile(temp).catch(() => undefined);
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(
      BACKEND,
      `tar -c of ${dir} in sandbox ${handle.ref.id} failed with exit code ${result.exitCode}: ${detail}`,
    );
  }
  const stream = await handle.download(temp);
  stream.once('close', () => void handle.removeFile(temp).catch(() => undefined));
  return stream;
}
