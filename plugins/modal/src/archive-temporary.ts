// TEMPORARY: getArchive over exec, until core's getArchiveViaExec (from the provider-kit work) lands on
// main; then this file goes and the handle calls core's.
import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { BackendError, NotFoundError, UsageError, type SandboxHandle } from '@agentkernel/core';

const MISSING = 44;
const PACK = String.raw`
cd -- "$1" 2>/dev/null || { printf 'missing: .\n' >&2; exit ${MISSING}; }
out=$2; shift 2
for p in "$@"; do [ -e "$p" ] || [ -L "$p" ] || { printf 'missing: %s\n' "$p" >&2; exit ${MISSING}; }; done
if [ $# -eq 0 ]; then find . -mindepth 1 -maxdepth 1 -printf '%P\0'; else printf '%s\0' "$@"; fi | tar -czf "$out" --null --verbatim-files-from -T -
`;

export async function getArchiveTemporary(
  handle: SandboxHandle,
  dir: string,
  paths?: readonly string[],
): Promise<Readable> {
  const backend = handle.ref.backend;
  const names = (paths ?? []).map((path) => {
    const name = posix.normalize(path).replace(/\/+$/, '');
    if (posix.isAbsolute(name) || name === '' || name === '.' || name === '..' || name.startsWith('../'))
      throw new UsageError(`archive path "${path}" must be relative to "${dir}" and inside it`, { backend });
    return name;
  });
  if (paths !== undefined && names.length === 0)
    throw new UsageError(`getArchive of "${dir}" was given an empty list of paths`, { backend });
  const temp = `/tmp/agentkernel-get-${randomUUID()}.tar.gz`;
  const result = await handle.exec(['sh', '-c', PACK, 'agentkernel-get', dir, temp, ...names], { cwd: '/' });
  if (result.exitCode === MISSING) {
    const missing = result.stderr
      .toString('utf8')
      .trim()
      .replace(/^missing: /, '');
    throw new NotFoundError(
      `no ${missing === '.' ? `directory ${dir}` : `"${missing}" in ${dir}`} in sandbox ${handle.ref.id}`,
      { backend },
    );
  }
  try {
    if (result.exitCode !== 0 && result.exitCode !== 1)
      throw new BackendError(
        backend,
        `tar -c of ${dir} failed with exit code ${result.exitCode}: ${result.stderr.toString('utf8').trim()}`,
      );
    return Readable.from([await handle.readFile(temp)]);
  } finally {
    await handle.removeFile(temp).catch(() => undefined);
  }
}
