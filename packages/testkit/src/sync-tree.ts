import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxHandle } from '@agentkernel/core';

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * A folder as `path -> description` (kind, permission bits, content digest or symlink target), for
 * byte-for-byte comparison with {@link describeSandboxTree}. Paths matching `skip` are left out.
 */
export async function describeLocalTree(
  root: string,
  skip: (path: string) => boolean = () => false,
): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(join(root, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      if (skip(path)) continue;
      const stats = await lstat(join(root, path));
      if (stats.isDirectory()) {
        result.set(path, `dir ${(stats.mode & 0o777).toString(8)}`);
        await walk(path);
      } else if (stats.isSymbolicLink()) {
        result.set(path, `symlink ${await readlink(join(root, path))}`);
      } else if (stats.isFile()) {
        result.set(path, `file ${(stats.mode & 0o777).toString(8)} ${sha(await readFile(join(root, path)))}`);
      }
    }
  };
  await walk('');
  return result;
}

/**
 * The same description of a sandbox folder, computed inside the sandbox with GNU find and sha256sum,
 * independently of the sync engine's own listing.
 */
export async function describeSandboxTree(
  handle: SandboxHandle,
  dir: string,
  skip: (path: string) => boolean = () => false,
): Promise<Map<string, string>> {
  const script =
    'cd "$1" && find . -mindepth 1 -printf "%y\\0%m\\0%P\\0%l\\0" && printf "X\\0" && find . -mindepth 1 -type f -exec sha256sum -z -- {} +';
  const result = await handle.exec(['sh', '-c', script, 'sh', dir], { cwd: '/' });
  if (result.exitCode !== 0) throw new Error(`describing ${dir} failed: ${result.stderr.toString()}`);
  const tokens = result.stdout.toString('utf8').split('\0');
  const digests = new Map<string, string>();
  const marker = tokens.indexOf('X');
  for (const line of tokens.slice(marker + 1)) if (line) digests.set(line.slice(68), line.slice(0, 64));
  const described = new Map<string, string>();
  for (let i = 0; i + 3 < marker; i += 4) {
    const [type, mode, path, target] = tokens.slice(i, i + 4) as [string, string, string, string];
    if (skip(path)) continue;
    const bits = (Number.parseInt(mode, 8) & 0o777).toString(8);
    if (type === 'd') described.set(path, `dir ${bits}`);
    else if (type === 'l') described.set(path, `symlink ${target}`);
    else if (type === 'f') described.set(path, `file ${bits} ${digests.get(path)}`);
  }
  return described;
}

/** Runs a shell script in `cwd` in the sandbox and fails loudly, with its stderr, if it fails. */
export async function sandboxShell(
  handle: SandboxHandle,
  cwd: string,
  script: string,
  ...args: string[]
): Promise<string> {
  const result = await handle.exec(['sh', '-c', script, 'sh', ...args], { cwd });
  if (result.exitCode !== 0)
    throw new Error(`sandbox command failed (${result.exitCode}): ${script}\n${result.stderr.toString()}`);
  return result.stdout.toString();
}
