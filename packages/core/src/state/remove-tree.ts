import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Removes a folder tree, however deep: Node's recursive `rm` works on whole paths and fails with
 * ENAMETOOLONG below PATH_MAX (a sandbox can nest folders that deep), while `rm -rf` walks relative
 * to each folder. Removing something absent succeeds.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENAMETOOLONG') throw error;
    await run('rm', ['-rf', '--', path]);
  }
}
