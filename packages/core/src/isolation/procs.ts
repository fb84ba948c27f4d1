import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { atomicWriteFile } from '../state/atomic.js';

/** What a tracking file records about one running command. */
interface TrackedProcess {
  pid: number;
  /** Field 22 of `/proc/<pid>/stat`; tells a live command from an unrelated process that reused its pid. */
  startTime: string | null;
  /** Whether `pid` leads its own process group (the command was spawned detached). */
  group: boolean;
}

interface ProcStat {
  state: string;
  ppid: number;
  startTime: string;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may contain spaces and parentheses; the fields after its last ')' are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, startTime] = [fields[0], fields[1], fields[19]];
  if (state === undefined || ppid === undefined || startTime === undefined) return undefined;
  return { state, ppid: Number(ppid), startTime };
}

const hasProc = (): boolean => readStat(process.pid) !== undefined;

/** The start time of a live (non-zombie) process, or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  const stat = readStat(pid);
  return stat === undefined || stat.state === 'Z' || stat.state === 'X' ? undefined : stat.startTime;
}

function descendantsOf(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat === undefined) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Sends SIGKILL to a pid (or, when negative, a process group), ignoring one that is already gone. */
export function sigkill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * SIGKILLs a command with every process it started: its process group (when it leads one) and every
 * descendant found in `/proc`, which also catches processes that left the group with `setsid`.
 * Returns the pids signalled, with their start times, so a caller can wait for them to end.
 */
export function killProcessTree(pid: number, group: boolean): Map<number, string | undefined> {
  const targets = new Map<number, string | undefined>([[pid, processStartTime(pid)]]);
  for (const child of descendantsOf(pid)) targets.set(child, processStartTime(child));
  if (group) sigkill(-pid);
  for (const target of targets.keys()) sigkill(target);
  return targets;
}

async function waitGone(targets: Map<number, string | undefined>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = [...targets].some(([pid, start]) => {
      const now = processStartTime(pid);
      return now !== undefined && (start === undefined || now === start);
    });
    if (!alive || Date.now() > deadline) return;
    await sleep(15);
  }
}

/**
 * SIGKILLs each process that is still the one recorded (same start time; a `null` start time never
 * matches), then waits up to `timeoutMs` for them to be gone.
 */
export async function killAndWait(
  processes: readonly (readonly [number, string | null])[],
  timeoutMs: number,
): Promise<void> {
  const targets = new Map<number, string | undefined>();
  for (const [pid, startTime] of processes) {
    if (startTime === null || pid <= 1 || processStartTime(pid) !== startTime) continue;
    sigkill(pid);
    targets.set(pid, startTime);
  }
  await waitGone(targets, timeoutMs);
}

const ENVIRONMENT_PROGRAMS = new Set(['bwrap', 'pasta', 'passt']);

/**
 * SIGKILLs every bwrap or pasta process whose command line names `dir` (a sandbox's own folder) and
 * waits for them to end. It finds an environment whose record was never written (its starter was
 * killed in between), which a record-based stop cannot; programs other than those two are never touched.
 */
export async function killEnvironmentsIn(dir: string, timeoutMs = 5000): Promise<number> {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  const targets = new Map<number, string | undefined>();
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const program = argv[0]?.split('/').pop() ?? '';
      if (!ENVIRONMENT_PROGRAMS.has(program)) continue;
      if (!argv.some((arg) => arg === dir || arg.startsWith(`${dir}/`))) continue;
      const startTime = processStartTime(pid);
      if (startTime === undefined) continue;
      sigkill(pid);
      targets.set(pid, startTime);
    } catch {
      // it ended while we looked
    }
  }
  await waitGone(targets, timeoutMs);
  return targets.size;
}

/** Records a running command in `procDir` (which must exist), so another process can kill it later. */
export async function trackProcess(
  procDir: string,
  pid: number,
  group: boolean,
  startTime: string | undefined,
): Promise<void> {
  const record: TrackedProcess = { pid, startTime: startTime ?? null, group };
  await atomicWriteFile(join(procDir, String(pid)), JSON.stringify(record), { durable: false });
}

/** Forgets a command recorded by {@link trackProcess}. */
export async function untrackProcess(procDir: string, pid: number): Promise<void> {
  await rm(join(procDir, String(pid)), { force: true });
}

async function readTracked(file: string): Promise<TrackedProcess | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<TrackedProcess>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 1) return undefined;
    return {
      pid: value.pid,
      startTime: typeof value.startTime === 'string' ? value.startTime : null,
      group: value.group === true,
    };
  } catch {
    return undefined;
  }
}

/**
 * Kills every command recorded in `procDir` by any process, with everything they started, and waits
 * (up to `timeoutMs`) until they are gone. A record whose pid now belongs to another process (its start
 * time differs) is dropped without killing anything. Returns how many commands were killed.
 */
export async function killAll(procDir: string, timeoutMs = 5000): Promise<number> {
  let names: string[];
  try {
    names = await readdir(procDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const procAvailable = hasProc();
  const targets = new Map<number, string | undefined>();
  let killed = 0;
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const record = await readTracked(join(procDir, name));
    const current = record === undefined ? undefined : processStartTime(record.pid);
    const same = procAvailable
      ? current !== undefined && current === record?.startTime
      : record !== undefined;
    if (record !== undefined && same) {
      for (const [pid, start] of killProcessTree(record.pid, record.group)) targets.set(pid, start);
      killed += 1;
    }
    await rm(join(procDir, name), { force: true });
  }
  await waitGone(targets, timeoutMs);
  return killed;
}
