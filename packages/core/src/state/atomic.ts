import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StateError } from '../errors/errors.js';
import { messageOf } from '../errors/errors.js';

/**
 * Replaces `path` so that readers see either the old or the new content, never a mix: the data goes to
 * a temporary file in the same directory (same filesystem, so the rename is atomic), is flushed to disk,
 * then renamed over `path`. A failure leaves `path` untouched and removes the temporary file. With
 * `durable: false` nothing is flushed: for files that do not outlive a restart (a running process's
 * record), where a flush would only slow every command down.
 */
export async function atomicWriteFile(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number; durable?: boolean } = {},
): Promise<void> {
  const durable = options.durable ?? true;
  const dir = dirname(path);
  // Hidden and suffixed `.tmp`, so a listing of `*.json` never mistakes it for a record.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'wx', options.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    // open()'s mode is filtered by the umask; an explicit mode is meant exactly.
    if (options.mode !== undefined) await chmod(temp, options.mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new StateError(`cannot write ${path}: ${messageOf(error)}`, {
      cause: error,
      code: 'STATE_WRITE_FAILED',
    });
  }
  if (durable) await syncDirectory(dir);
}

// Makes the rename itself durable across a power loss. Some platforms and filesystems cannot open or
// fsync a directory; the write has already happened, so that is not an error.
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // See above: durability of the directory entry is best-effort.
  }
}
