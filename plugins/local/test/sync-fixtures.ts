import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTree, type Backend, type SandboxHandle } from '@agentkernel/core';
import { createLocalBackend, localPlugin } from '@agentkernel/backend-local';

export interface SyncBed {
  home: string;
  backend: Backend;
  handle: SandboxHandle;
  localDir: string;
  manifestFile: string;
  /** The options every sync call of the bed shares. */
  options: { handle: SandboxHandle; localDir: string; workspaceDir: string; manifestFile: string };
  cleanup(): Promise<void>;
}

let counter = 0;

/** A fresh local-backend sandbox and an empty project folder. */
export async function createBed(prefix = 'sync'): Promise<SyncBed> {
  const home = await mkdtemp(join(tmpdir(), `ak-${prefix}-`));
  const backend = createLocalBackend({ dataDir: join(home, 'data') }, localPlugin);
  counter += 1;
  const handle = await backend.create({
    name: `${prefix}-${counter}`,
    network: false,
    ports: [],
    env: {},
    workspaceDir: '/workspace',
    labels: {},
  });
  const localDir = join(home, 'project');
  await mkdir(localDir);
  const manifestFile = join(home, 'state', 'sync.json');
  return {
    home,
    backend,
    handle,
    localDir,
    manifestFile,
    options: { handle, localDir, workspaceDir: '/workspace', manifestFile },
    cleanup: async () => {
      await handle.destroy().catch(() => undefined);
      await removeTree(home);
    },
  };
}

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * A folder as `path -> description` (kind, permission bits, content digest or symlink target), for
 * byte-for-byte comparison. Paths matching `skip` are left out.
 */
export async function describeLocal(
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
 * The same description of the sandbox's workspace, computed inside the sandbox with GNU find and
 * sha256sum (independently of the sync engine's own listing).
 */
export async function describeRemote(
  handle: SandboxHandle,
  dir = '/workspace',
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

/** Describes a gzip tar archive on disk by unpacking it with the system's tar into a temporary folder. */
export async function describeArchiveFile(file: string): Promise<Map<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'ak-describe-'));
  try {
    execFileSync('tar', ['-xzf', file, '-C', dir]);
    return await describeLocal(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a shell command in the sandbox's workspace and fails loudly if it fails. */
export async function sandboxSh(handle: SandboxHandle, script: string, ...args: string[]): Promise<string> {
  const result = await handle.exec(['sh', '-c', script, 'sh', ...args], { cwd: '/workspace' });
  if (result.exitCode !== 0)
    throw new Error(`sandbox command failed (${result.exitCode}): ${script}\n${result.stderr.toString()}`);
  return result.stdout.toString();
}
