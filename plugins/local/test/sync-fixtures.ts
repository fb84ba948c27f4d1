import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTree, type Backend, type SandboxHandle } from '@agentkernel/core';
import { createLocalBackend, localPlugin } from '@agentkernel/backend-local';
import { describeLocalTree, describeSandboxTree, sandboxShell } from '@agentkernel/testkit';

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

/** A folder as `path -> description`; see testkit's `describeLocalTree`. */
export const describeLocal = describeLocalTree;

/** The sandbox's workspace (or `dir`) described the same way, from inside the sandbox. */
export const describeRemote = (
  handle: SandboxHandle,
  dir = '/workspace',
  skip?: (path: string) => boolean,
): Promise<Map<string, string>> => describeSandboxTree(handle, dir, skip);

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
export const sandboxSh = (handle: SandboxHandle, script: string, ...args: string[]): Promise<string> =>
  sandboxShell(handle, '/workspace', script, ...args);
