import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import type { SandboxHandle } from '../contract/backend.js';
import { BackendError, NotFoundError, UsageError } from '../errors/errors.js';
import { TEMP_PREFIX } from '../sync/ignore-rules.js';
import { PUT_PREFIX, UNPACK_SCRIPT } from '../sync/remote-script.js';

/** The exit codes of the archive scripts run in a sandbox. */
export const ARCHIVE_EXIT = {
  /** The directory, or one of the requested entries, does not exist (its name is on stderr). */
  missing: 44,
  /** The directory cannot be entered. */
  noDirectory: 90,
  /** GNU tar's "a file changed as we read it" (a live workspace): the archive is still usable. */
  tarWarning: 1,
} as const;

// $1 directory, $2 archive to write, $3... the entries (every entry of the directory when none are
// given, dot files included). POSIX sh and busybox-safe: names are passed as tar arguments after `--`
// (none is taken for an option), and an empty list writes an archive of only end blocks, which GNU and
// busybox tar both refuse to create.
const PACK_SCRIPT = String.raw`
cd -- "$1" 2>/dev/null || { printf 'missing: .\n' >&2; exit ${ARCHIVE_EXIT.missing}; }
out=$2; shift 2
for p in "$@"; do [ -e "$p" ] || [ -L "$p" ] || { printf 'missing: %s\n' "$p" >&2; exit ${ARCHIVE_EXIT.missing}; }; done
if [ $# -eq 0 ]; then
  for p in * .[!.]* ..?*; do if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; fi; done
fi
if [ $# -eq 0 ]; then dd if=/dev/zero bs=10240 count=1 2>/dev/null | gzip -c >"$out"; exit $?; fi
exec tar -czf "$out" -- "$@"
`;

/**
 * Checks one entry name given to `getArchive(dir, paths)`: relative to `dir` and inside it. Returns the
 * name normalised (no trailing slash); a bad one is a `UsageError` naming it.
 */
export function checkArchiveEntry(dir: string, path: string, backend: string): string {
  const name = posix.normalize(path).replace(/\/+$/, '');
  if (posix.isAbsolute(name) || name === '' || name === '.' || name === '..' || name.startsWith('../')) {
    throw new UsageError(`archive path "${path}" must be relative to "${dir}" and inside it`, { backend });
  }
  return name;
}

/**
 * The command that unpacks an archive atomically per file into its working folder (see
 * `UNPACK_SCRIPT`): `archive` is a file name in that folder, or `-` to read stdin.
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

/** How {@link getArchiveViaExec} reads the packed archive back; `readFile` (buffered) when absent. */
export type OpenSandboxFile = (path: string) => Promise<Readable>;

/**
 * The generic `getArchive` for backends without a native download of a folder: `paths` of `dir`
 * (everything in it when absent) are packed with one `tar -czf` in the sandbox into a temporary file,
 * which is then read back as a stream (with `open`, e.g. a streaming download) and removed once the
 * stream is closed. A missing `dir` or entry is a `NotFoundError` naming it.
 */
export async function getArchiveViaExec(
  handle: SandboxHandle,
  dir: string,
  paths?: readonly string[],
  open?: OpenSandboxFile,
): Promise<Readable> {
  const { backend } = handle.ref;
  const names = paths?.map((path) => checkArchiveEntry(dir, path, backend)) ?? [];
  if (paths !== undefined && names.length === 0) {
    throw new UsageError(`getArchive of "${dir}" was given an empty list of paths`, { backend });
  }
  const temp = `/tmp/${TEMP_PREFIX}get-${randomUUID()}.tar.gz`;
  const result = await handle.exec(['sh', '-c', PACK_SCRIPT, 'agentkernel-get', dir, temp, ...names], {
    cwd: '/',
  });
  if (result.exitCode === ARCHIVE_EXIT.missing) {
    const missing = result.stderr
      .toString('utf8')
      .trim()
      .replace(/^missing: /, '');
    const what = missing === '.' ? `directory ${dir}` : `"${missing}" in ${dir}`;
    throw new NotFoundError(`no ${what} in sandbox ${handle.ref.id}`, { backend });
  }
  const remove = (): Promise<void> => handle.removeFile(temp).catch(() => undefined);
  if (result.exitCode !== 0 && result.exitCode !== ARCHIVE_EXIT.tarWarning) {
    await remove();
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(
      backend,
      `tar -c of ${dir} in sandbox ${handle.ref.id} failed with exit code ${result.exitCode}: ${detail}`,
    );
  }
  let stream: Readable;
  try {
    stream = open === undefined ? Readable.from([await handle.readFile(temp)]) : await open(temp);
  } catch (error) {
    await remove();
    throw error;
  }
  stream.once('close', () => void remove());
  return stream;
}
