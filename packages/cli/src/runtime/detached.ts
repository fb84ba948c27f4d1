import {
  CAPABILITY_DESCRIPTIONS,
  CapabilityUnsupportedError,
  detachedStates,
  hasCapability,
  killDetached,
  NotFoundError,
  readDetachedLog,
  startDetached,
  validateDetachedId,
  type DetachedCommandRecord,
  type DetachedState,
  type OutputHandler,
} from '@agentkernel/core';
import type { PreparedCommand } from './command.js';
import { checkWorkdir } from './workdir.js';
import type { Connected, Runtime } from './runtime.js';

/**
 * A detached command as `exec-list`, `--json` and the HTTP API show it. `killed`: ended by `exec-kill`
 * (exit code 137); `lost`: its process is gone without an exit code (the sandbox was stopped);
 * `unknown`: the sandbox is not running, so it could not be asked.
 */
export interface DetachedView {
  readonly id: string;
  readonly sandbox: string;
  readonly command: readonly string[];
  readonly pid: number;
  readonly status: 'running' | 'completed' | 'failed' | 'killed' | 'lost' | 'unknown';
  readonly exitCode: number | null;
  readonly startedAt: string;
  /** The folder in the sandbox holding its `stdout`, `stderr` and `exit` files. */
  readonly logDir: string;
}

function viewOf(record: DetachedCommandRecord, unknown = false): DetachedView {
  const ended = record.exitCode !== undefined;
  const status: DetachedView['status'] = record.killed
    ? 'killed'
    : !ended
      ? unknown
        ? 'unknown'
        : 'running'
      : record.exitCode === null
        ? 'lost'
        : record.exitCode === 0
          ? 'completed'
          : 'failed';
  return {
    id: record.id,
    sandbox: record.sandbox,
    command: record.command,
    pid: record.pid,
    status,
    exitCode: record.exitCode ?? null,
    startedAt: record.startedAt,
    logDir: record.logDir,
  };
}

function requireBackgroundProcesses(connected: Connected): void {
  const { plugin } = connected.backend;
  if (!hasCapability(plugin.capabilities, 'backgroundProcesses')) {
    throw new CapabilityUnsupportedError(plugin.name, CAPABILITY_DESCRIPTIONS.backgroundProcesses);
  }
}

function ended(record: DetachedCommandRecord, state: DetachedState): DetachedCommandRecord {
  if (state.state === 'running') return record;
  return { ...record, exitCode: state.state === 'exited' ? state.exitCode : null };
}

async function requireRecord(rt: Runtime, name: string, id: string): Promise<DetachedCommandRecord> {
  const record = await rt.state().detached.read(name, validateDetachedId(id));
  if (record !== undefined) return record;
  throw new NotFoundError(`sandbox "${name}" has no detached command ${id}`, {
    code: 'DETACHED_NOT_FOUND',
    hint: `see its detached commands with: agentkernel sandbox exec-list ${name}`,
  });
}

/**
 * Starts a command that keeps running after this returns (`exec --detach`) and records it, so that
 * any later process lists, follows and kills it. The caller has pushed the workspace if it syncs.
 */
export async function startDetachedCommand(
  rt: Runtime,
  connected: Connected,
  command: PreparedCommand,
): Promise<DetachedView> {
  requireBackgroundProcesses(connected);
  if (command.cwd !== undefined) await checkWorkdir(connected, command.cwd);
  const started = await startDetached(connected.handle, command.argv, {
    env: command.env,
    ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
  });
  const record: DetachedCommandRecord = {
    version: 1,
    id: started.id,
    sandbox: connected.record.name,
    command: [...command.argv],
    pid: started.pid,
    logDir: started.logDir,
    startedAt: new Date().toISOString(),
  };
  await rt.state().detached.write(record);
  rt.out.debug(`detached ${started.id}: pid ${started.pid}, output in ${started.logDir}`);
  return viewOf(record);
}

/**
 * The detached commands of a sandbox, oldest first, each asked of the sandbox (in one command) unless
 * it is already known to have ended; what ended is recorded. A sandbox that is not running is not
 * woken: its unfinished commands are `unknown` (or `lost`, when the sandbox is gone).
 */
export async function listDetachedCommands(rt: Runtime, name: string): Promise<DetachedView[]> {
  const store = rt.state().detached;
  const connected = await rt.connect(name);
  const { records, problems } = await store.list(name);
  for (const problem of problems) rt.out.warn(problem);
  const open = records.filter((record) => record.exitCode === undefined);
  if (open.length === 0) return records.map((record) => viewOf(record));
  const status = await connected.handle.status();
  if (status !== 'running') {
    return Promise.all(
      records.map(async (record) => {
        if (record.exitCode !== undefined) return viewOf(record);
        if (status !== 'gone') return viewOf(record, true);
        const lost = { ...record, exitCode: null };
        await store.write(lost);
        return viewOf(lost);
      }),
    );
  }
  const states = await detachedStates(connected.handle, open);
  return Promise.all(
    records.map(async (record) => {
      const state = states.get(record.id);
      if (record.exitCode !== undefined || state === undefined) return viewOf(record);
      const next = ended(record, state);
      if (next !== record) await store.write(next);
      return viewOf(next);
    }),
  );
}

/** One detached command, as {@link listDetachedCommands} shows it. */
export async function describeDetachedCommand(rt: Runtime, name: string, id: string): Promise<DetachedView> {
  await requireRecord(rt, name, id);
  const views = await listDetachedCommands(rt, name);
  const view = views.find((candidate) => candidate.id === id);
  if (view === undefined) throw new NotFoundError(`sandbox "${name}" has no detached command ${id}`);
  return view;
}

/** Options of {@link detachedLogs}. */
export interface DetachedLogsOptions {
  readonly stream: 'stdout' | 'stderr';
  readonly follow: boolean;
  readonly onOutput: OutputHandler;
  readonly signal?: AbortSignal;
}

/** Sends a detached command's output to `onOutput` byte for byte; with `follow`, until it ends. */
export async function detachedLogs(
  rt: Runtime,
  name: string,
  id: string,
  options: DetachedLogsOptions,
): Promise<void> {
  const record = await requireRecord(rt, name, id);
  const connected = await rt.connect(name);
  await readDetachedLog(connected.handle, record, {
    stream: options.stream,
    follow: options.follow && record.exitCode === undefined,
    onOutput: options.onOutput,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

/**
 * Ends a detached command and every process it started; one that had ended already is left as it
 * was. Resolves with whether this call ended it, and what became of it.
 */
export async function killDetachedCommand(
  rt: Runtime,
  name: string,
  id: string,
): Promise<{ readonly killed: boolean; readonly view: DetachedView }> {
  const record = await requireRecord(rt, name, id);
  if (record.exitCode !== undefined) return { killed: false, view: viewOf(record) };
  const connected = await rt.connect(name);
  const { killed, state } = await killDetached(connected.handle, record);
  const next = { ...ended(record, state), ...(killed ? { killed: true } : {}) };
  await rt.state().detached.write(next);
  return { killed, view: viewOf(next) };
}
