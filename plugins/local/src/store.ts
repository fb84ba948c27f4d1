import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile, StateError } from '@agentkernel/core';
import type { ResourceLimits } from '@agentkernel/core/isolation';
import { BACKEND_NAME } from './name.js';

/** What `sandbox.json` records about a sandbox. Environment values are kept apart, in `env.json`. */
export interface SandboxRecord {
  readonly id: string;
  readonly name: string;
  readonly status: 'running' | 'stopped';
  readonly network: boolean;
  readonly ports: readonly number[];
  /** The names of the sandbox's environment variables; their values are in `env.json` (mode 0600). */
  readonly envKeys: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly workspaceDir: string;
  readonly createdAt: string;
  /** The native snapshot it was created from. */
  readonly fromSnapshot?: string;
  /** The vCPUs and memory enforced through the sandbox's cgroup. */
  readonly limits?: ResourceLimits;
  /** The settings asked for at create that are not applied (see `NOT_APPLIED_KEY`). */
  readonly notApplied?: readonly string[];
}

/** The files of one sandbox folder. */
export interface SandboxLayout {
  readonly dir: string;
  readonly record: string;
  readonly env: string;
  /** Bound at the workspace directory. */
  readonly workspace: string;
  /** Bound at the sandbox's HOME, so shell history and tool config persist outside the workspace. */
  readonly home: string;
  /** One file per running command, for `stop` and `destroy` from any process. */
  readonly procs: string;
  /** The running environment (its init, network and forwarded ports), while there is one. */
  readonly environment: string;
  /** Held while the environment starts or stops. */
  readonly environmentLock: string;
}

export function layoutOf(dir: string): SandboxLayout {
  return {
    dir,
    record: join(dir, 'sandbox.json'),
    env: join(dir, 'env.json'),
    workspace: join(dir, 'workspace'),
    home: join(dir, 'home'),
    procs: join(dir, 'procs'),
    environment: join(dir, 'environment.json'),
    environmentLock: join(dir, 'environment.lock'),
  };
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StateError(`${file} is not valid JSON; remove the sandbox folder ${join(file, '..')} by hand`, {
      backend: BACKEND_NAME,
      cause: error,
    });
  }
}

/** The record of the sandbox in `dir`, or undefined when there is none (or it belongs to another id). */
export async function readRecord(dir: string, id?: string): Promise<SandboxRecord | undefined> {
  const record = (await readJson(layoutOf(dir).record)) as SandboxRecord | undefined;
  if (record === undefined || (id !== undefined && record.id !== id)) return undefined;
  return record;
}

export function writeRecord(dir: string, record: SandboxRecord): Promise<void> {
  return atomicWriteFile(layoutOf(dir).record, `${JSON.stringify(record, null, 2)}\n`);
}

/** The sandbox's environment values (which may be secrets: the file is readable by its owner only). */
export async function readEnv(dir: string): Promise<Record<string, string>> {
  return ((await readJson(layoutOf(dir).env)) as Record<string, string> | undefined) ?? {};
}

export function writeEnv(dir: string, env: Readonly<Record<string, string>>): Promise<void> {
  return atomicWriteFile(layoutOf(dir).env, JSON.stringify(env), { mode: 0o600 });
}
