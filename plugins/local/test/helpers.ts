import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Backend, SandboxRef, SandboxSpec } from '@agentkernel/core';
import { killEnvironmentsIn, stopEnvironment, type EnvironmentRecord } from '@agentkernel/core/isolation';
import { openForTest, type OpenForTestOptions } from '@agentkernel/testkit';
import { localPlugin } from '../src/index.js';

/** Ends the environment of every sandbox under `dataDir`, so a failed test leaves no process running. */
export async function stopEnvironments(dataDir: string): Promise<void> {
  const sandboxes = join(dataDir, 'sandboxes');
  for (const entry of existsSync(sandboxes) ? readdirSync(sandboxes) : []) {
    await killEnvironmentsIn(join(sandboxes, entry));
    try {
      const record = JSON.parse(
        readFileSync(join(sandboxes, entry, 'environment.json'), 'utf8'),
      ) as EnvironmentRecord;
      await stopEnvironment(record);
    } catch {
      // no environment
    }
  }
}

/** A temporary data dir, removed by `cleanup` after every sandbox environment in it is stopped. */
export function tempDataDir(): { dataDir: string; cleanup: () => Promise<void> } {
  const home = mkdtempSync(join(tmpdir(), 'ak-local-'));
  const dataDir = join(home, 'plugins', 'local');
  return {
    dataDir,
    cleanup: async () => {
      await stopEnvironments(dataDir);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the plugin as the CLI does (through core's `openBackend`, with `[local]` as `config`), its data
 * in `dataDir` (`<home>/plugins/local`), recording warnings.
 */
export async function openLocal(
  dataDir: string,
  overrides: Pick<OpenForTestOptions, 'config' | 'env'> = {},
): Promise<{ backend: Backend; warnings: string[]; infos: string[] }> {
  const warnings: string[] = [];
  const infos: string[] = [];
  const backend = await openForTest(localPlugin, {
    home: dirname(dirname(dataDir)),
    env: process.env,
    logger: {
      debug: () => undefined,
      info: (message) => infos.push(message),
      warn: (message) => warnings.push(message),
    },
    ...overrides,
  });
  return { backend, warnings, infos };
}

let counter = 0;
export function spec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  counter += 1;
  return {
    name: `local-test-${counter}`,
    network: false,
    ports: [],
    env: {},
    workspaceDir: '/workspace',
    labels: {},
    ...overrides,
  };
}

/** Live (non-zombie) host processes whose command line contains `needle` (or is exactly it). */
export function processesWith(needle: string, exactly = false): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (exactly ? cmdline === needle : cmdline.includes(needle)) found.push(`${entry}: ${cmdline}`);
    } catch {
      // it ended while we looked
    }
  }
  return found;
}

export const uniqueSleep = (): string =>
  `${900 + Math.floor(Math.random() * 99)}.${Math.floor(Math.random() * 1e6)}`;

/** Starts the other-process fixture under tsx, resolving workspace packages from source. */
export function otherProcess(
  action: 'stop' | 'destroy' | 'exec',
  dataDir: string,
  ref: SandboxRef,
  argv: string[] = [],
): ChildProcess {
  const script = join(import.meta.dirname, 'fixtures', 'other-process.ts');
  return spawn(
    process.execPath,
    [
      '--conditions=@agentkernel/source',
      '--import',
      'tsx',
      script,
      action,
      dataDir,
      JSON.stringify(ref),
      ...argv,
    ],
    {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/** Waits for a child to exit and returns its exit code and output. */
export function completion(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Resolves once the child has written `text` to stdout. */
export function printed(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve();
    });
    child.once('close', () => reject(new Error(`child exited before printing ${text}: ${seen}`)));
  });
}

/** Whether a process has ended (gone, or a zombie waiting for its parent). */
export function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}
