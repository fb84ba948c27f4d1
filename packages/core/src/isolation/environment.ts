import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireBubblewrap } from './bubblewrap.js';
import { inCgroup } from './cgroup.js';
import { IsolationError } from './errors.js';
import { startNetwork, requirePasta, type NetworkRecord } from './network.js';
import { checkWorkspaceDir, DEFAULT_WORKSPACE_DIR, SANDBOX_PATH, type IsolationOptions } from './options.js';
import { killAndWait, processStartTime } from './procs.js';
import { sandboxArgs } from './sandbox-args.js';

/**
 * A running sandbox environment: one long-lived set of namespaces (pid, mount, IPC, UTS, network) that
 * every command of the sandbox joins ({@link IsolationOptions.environment}), so background processes,
 * `/tmp` and listening ports persist from one command to the next until {@link stopEnvironment}.
 * Serialisable: a later process finds the environment again from this record.
 */
export interface EnvironmentRecord {
  /** The host pid of the environment's init (pid 1 inside), whose namespaces commands join. */
  readonly pid: number;
  /** Field 22 of `/proc/<pid>/stat`, telling the init from an unrelated process that reused its pid. */
  readonly startTime: string | null;
  /**
   * The environment's first process (pid 2 inside): bwrap ends the environment when it ends, so a
   * sandbox that killed it has an environment that is going away even while its init still runs.
   */
  readonly loopPid?: number;
  readonly loopStartTime?: string | null;
  /** The bwrap process that set the environment up and waits for its init. */
  readonly bwrapPid: number;
  readonly bwrapStartTime: string | null;
  /** The cgroup every process of the environment is in, when its vCPUs and memory are enforced. */
  readonly cgroup?: string;
  /** The user-mode network (pasta) connecting the environment, when the sandbox has the network on. */
  readonly network?: NetworkRecord;
  readonly startedAt: string;
}

/** Options of {@link startEnvironment}: a sandbox, and where the environment keeps its own files. */
export interface StartEnvironmentOptions extends Omit<IsolationOptions, 'environment'> {
  /** An existing folder for the environment's log and pasta's pid file (the sandbox's folder). */
  readonly stateDir: string;
  /** Ports served inside, each forwarded to a distinct free host port when the network is on. */
  readonly ports?: readonly number[];
  /** The hostname commands see; `sandbox` by default. */
  readonly hostname?: string;
  /** A cgroup (from `createSandboxCgroup`) to start the environment in, enforcing its limits. */
  readonly cgroup?: string;
  /**
   * With the network on, share this machine's network instead of a namespace of its own connected by
   * pasta (no ports are then forwarded: servers listen on this machine). For provider fakes, whose
   * sandboxes are reached on 127.0.0.1; the local backend never sets it.
   */
  readonly hostNetwork?: boolean;
}

// The environment's first process: it says when the sandbox is set up (on fd 4), then idles. bwrap,
// pid 1 inside, reaps every orphan, and ends the environment when this process ends.
const INIT = 'printf ready >&4; exec 4>&-; while :; do sleep 86400; done';
const START_TIMEOUT_MS = 10_000;

function until(stream: Readable, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (done(text)) {
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
    stream.once('error', reject);
    stream.once('end', () => resolve(text));
  });
}

async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-5).join('; ');
}

/** Whether the environment's init still runs (a host reboot or a sandbox that killed it ends it). */
export function environmentAlive(record: EnvironmentRecord): boolean {
  const alive = (pid: number, startTime: string | null | undefined): boolean =>
    startTime !== null && startTime !== undefined && processStartTime(pid) === startTime;
  return (
    alive(record.pid, record.startTime) &&
    (record.loopPid === undefined || alive(record.loopPid, record.loopStartTime))
  );
}

async function firstChild(pid: number): Promise<number | undefined> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const child = Number(text.trim().split(' ')[0]);
  return Number.isInteger(child) && child > 1 ? child : undefined;
}

/**
 * Ends an environment and every process in it: SIGKILL to its init ends the whole pid namespace; the
 * pasta and bwrap processes are ended too. Safe to repeat, and safe on a record whose pids were reused.
 */
export async function stopEnvironment(record: EnvironmentRecord, timeoutMs = 5000): Promise<void> {
  const targets: [number, string | null][] = [
    [record.pid, record.startTime],
    [record.bwrapPid, record.bwrapStartTime],
  ];
  if (record.network !== undefined) targets.push([record.network.pid, record.network.startTime]);
  await killAndWait(targets, timeoutMs);
}

/**
 * Starts a sandbox's environment under bubblewrap and returns once it is ready to be joined. It is not
 * tied to this process: it runs until {@link stopEnvironment}. With the network on it gets its own
 * network namespace connected by pasta, and `ports` are forwarded to free host ports.
 */
export async function startEnvironment(options: StartEnvironmentOptions): Promise<EnvironmentRecord> {
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  const workspaceDir = checkWorkspaceDir(options.workspaceDir ?? DEFAULT_WORKSPACE_DIR, options.backend);
  const bwrap = options.bwrapPath ?? (await requireBubblewrap(options.searchPath, options.backend));
  const pasta =
    options.network && options.hostNetwork !== true
      ? await requirePasta(options.searchPath, options.backend)
      : undefined;
  const args = await sandboxArgs(options, workspaceDir, {
    interactive: false,
    live: true,
    ...(options.hostNetwork === undefined ? {} : { hostNetwork: options.hostNetwork }),
    hostname: options.hostname ?? 'sandbox',
  });
  const logFile = join(options.stateDir, 'environment.log');
  const log = await open(logFile, 'w', 0o600);
  let child;
  try {
    const command = [...args, '--info-fd', '3', '/bin/sh', '-c', INIT];
    const launch =
      options.cgroup === undefined
        ? { file: bwrap, args: command }
        : inCgroup(options.cgroup, bwrap, command);
    child = spawn(launch.file, launch.args, {
      cwd: '/',
      env: { PATH: SANDBOX_PATH, LANG: 'C.UTF-8' },
      detached: true,
      stdio: ['ignore', log.fd, log.fd, 'pipe', 'pipe'],
    });
  } finally {
    await log.close();
  }
  child.on('error', () => undefined);
  const info = child.stdio[3] as Readable;
  const ready = child.stdio[4] as Readable;
  const infoText = until(info, (text) => text.includes('}'));
  const timeout = new AbortController();
  const readyText = await Promise.race([
    until(ready, (text) => text === 'ready'),
    sleep(START_TIMEOUT_MS, 'timed out', { signal: timeout.signal }).catch(() => ''),
  ]);
  timeout.abort();
  info.destroy();
  ready.destroy();
  child.unref();
  const pid = Number(/"child-pid":\s*(\d+)/.exec(await Promise.race([infoText, Promise.resolve('')]))?.[1]);
  const bwrapPid = child.pid ?? 0;
  const started = {
    pid,
    startTime: Number.isInteger(pid) && pid > 1 ? (processStartTime(pid) ?? null) : null,
    bwrapPid,
    bwrapStartTime: processStartTime(bwrapPid) ?? null,
    startedAt: new Date().toISOString(),
    ...(options.cgroup === undefined ? {} : { cgroup: options.cgroup }),
  };
  if (readyText !== 'ready' || started.startTime === null) {
    await stopEnvironment(started);
    const reason = (await logTail(logFile)) || `${bwrap} exited before the sandbox was ready`;
    throw new IsolationError(`cannot start the sandbox's environment: ${reason}`, backend);
  }
  const loopPid = await firstChild(pid);
  const live =
    loopPid === undefined
      ? started
      : { ...started, loopPid, loopStartTime: processStartTime(loopPid) ?? null };
  if (pasta === undefined) return live;
  try {
    const network = await startNetwork(
      pasta,
      pid,
      options.ports ?? [],
      join(options.stateDir, 'network.pid'),
      options.backend,
    );
    return { ...live, network };
  } catch (error) {
    await stopEnvironment(started);
    throw error;
  }
}
