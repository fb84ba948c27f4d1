import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { extractArchive, NotFoundError, packPaths, UsageError, type SandboxHandle } from '@agentkernel/core';

/** What a sandbox path is, learnt with one exec (busybox-safe). */
type RemoteKind = { kind: 'dir' } | { kind: 'file'; mode: number } | { kind: 'missing' };

const PROBE =
  'if [ -d "$1" ]; then echo dir; elif [ -e "$1" ]; then echo "file $(stat -c %a "$1" 2>/dev/null || echo 644)"; else echo missing; fi';

export async function probeRemote(handle: SandboxHandle, path: string): Promise<RemoteKind> {
  const result = await handle.exec(['sh', '-c', PROBE, 'agentkernel-cp', path], { cwd: '/' });
  const [word, mode] = result.stdout.toString('utf8').trim().split(' ');
  if (result.exitCode !== 0 || word === undefined)
    throw new NotFoundError(`cannot inspect ${path} in the sandbox`);
  if (word === 'dir') return { kind: 'dir' };
  if (word === 'file') return { kind: 'file', mode: Number.parseInt(mode ?? '644', 8) || 0o644 };
  return { kind: 'missing' };
}

/** Every path under `root`, relative and POSIX, parents before children; symlinks are not followed. */
async function listTree(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(join(root, prefix), { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    out.push(path);
    if (entry.isDirectory()) out.push(...(await listTree(root, path)));
  }
  return out;
}

/**
 * Copies a local file or folder into a sandbox, like `cp -r`: into `remote` when it is an existing
 * folder (or ends with `/`), else as `remote`. Files are streamed byte for byte with their mode;
 * folders travel as one archive. Returns the sandbox path written.
 */
export async function upload(handle: SandboxHandle, local: string, remote: string): Promise<string> {
  const info = await lstat(local).catch(() => undefined);
  if (!info) throw new NotFoundError(`${local} does not exist`);
  const into = remote.endsWith('/') || (await probeRemote(handle, remote)).kind === 'dir';
  const target = into ? posix.join(remote, basename(local)) : remote.replace(/\/+$/, '');
  if (info.isDirectory()) {
    const packed = await packPaths(local, await listTree(local));
    await handle.putArchive(target, packed.stream);
  } else if (info.isFile()) {
    await handle.writeFile(target, createReadStream(local), { mode: info.mode & 0o7777 });
  } else {
    throw new UsageError(`${local} is neither a file nor a folder; sandbox cp copies files and folders`);
  }
  return target;
}

/**
 * Copies a sandbox file or folder here, like `cp -r`. Files are written to a temporary name and
 * renamed; folders are unpacked by core's safe extractor, which refuses absolute paths, `..`, links
 * leaving the folder and device files. Returns the local path written.
 */
export async function download(handle: SandboxHandle, remote: string, local: string): Promise<string> {
  const kind = await probeRemote(handle, remote);
  if (kind.kind === 'missing')
    throw new NotFoundError(`${remote} does not exist in sandbox ${handle.ref.id}`);
  const localIsDir = (await stat(local).catch(() => undefined))?.isDirectory() === true;
  const target = localIsDir ? join(local, posix.basename(remote.replace(/\/+$/, '')) || 'workspace') : local;
  if (kind.kind === 'dir') {
    await mkdir(target, { recursive: true });
    await extractArchive(await handle.getArchive(remote), { root: target });
    return target;
  }
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.agentkernel-cp-${process.pid}-${basename(target)}`);
  try {
    await writeFile(temp, await handle.readFile(remote), { mode: kind.mode & 0o7777 });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return target;
}
