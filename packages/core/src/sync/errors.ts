import { AgentkernelError, ExitCode, type AgentkernelErrorOptions } from '../errors/errors.js';

/**
 * An archive from a sandbox holds an entry that could escape or damage the workspace it is unpacked
 * into (an absolute path, `..`, a symlink leaving the workspace, a device, a hard link). Exit code 3:
 * the sandbox produced it.
 */
export class UnsafeArchiveEntryError extends AgentkernelError {
  readonly path: string;
  /** Why the entry was refused, without the path (for a warning that names it). */
  readonly reason: string;
  constructor(path: string, reason: string, options?: AgentkernelErrorOptions) {
    super('SYNC_UNSAFE_ENTRY', `refused archive entry ${JSON.stringify(path)}: ${reason}`, ExitCode.backend, {
      hint: 'nothing was written for this entry; if the sandbox really needs it, exclude it with .agentkernelignore',
      ...options,
    });
    this.path = path;
    this.reason = reason;
  }
}
