import { randomBytes } from 'node:crypto';
import type { ExecOptions, OutputHandler, SandboxHandle } from '../contract/backend.js';
import { BackendError, NotFoundError, UsageError } from '../errors/errors.js';

/** Where, in the sandbox, a detached command keeps its files: `<root>/<id>/{pid,stdout,stderr,exit}`. */
export const DETACHED_ROOT = '/tmp/.agentkernel/exec';

/** A detached command as the sandbox knows it: enough to find its process and its output again. */
export interface DetachedProcess {
  /** 8 hex digits, unique per sandbox. */
  readonly id: string;
  /** The pid (in the sandbox) of the command's session leader; its process group is the command. */
  readonly pid: number;
  /** The folder in the sandbox holding `stdout`, `stderr` and, once it ended, `exit`. */
  readonly logDir: string;
}

/**
 * What became of a detached command: still `running`; `exited` with its code (137 after `exec-kill`);
 * or `lost`: its process is gone and left no exit code (the sandbox was stopped or restarted).
 */
export type DetachedState =
  | { readonly state: 'running' }
  | { readonly state: 'exited'; readonly exitCode: number }
  | { readonly state: 'lost' };

const ID_PATTERN = /^[0-9a-f]{8}$/;

/** A new detached-command id: 8 random hex digits. */
export function newDetachedId(): string {
  return randomBytes(4).toString('hex');
}

/** Checks an id given by a user before it becomes part of a sandbox path. */
export function validateDetachedId(id: string): string {
  if (!ID_PATTERN.test(id))
    throw new UsageError(`"${id}" is not a detached command id (8 hex digits, as exec --detach prints)`);
  return id;
}

// Runs "$@" in a session of its own (setsid; else job control gives it its own process group), so that
// it outlives this exec and `kill -9 -<pid>` ends it with every process it started. The shell that
// waits for it records its own pid (the session leader, whether or not setsid forked) and then its
// exit code, each renamed into place so that a reader never sees half of one.
const LAUNCH = String.raw`d=$1; shift
mkdir -p -- "$d" || exit 125
: >"$d/stdout"; : >"$d/stderr"
run='d=$1; shift; echo $$ >"$d/pid.tmp"; mv -f "$d/pid.tmp" "$d/pid"; "$@" </dev/null >"$d/stdout" 2>"$d/stderr"; echo $? >"$d/exit.tmp"; mv -f "$d/exit.tmp" "$d/exit"'
if command -v setsid >/dev/null 2>&1; then
  setsid sh -c "$run" sh "$d" "$@" </dev/null >/dev/null 2>&1 &
else
  set -m; sh -c "$run" sh "$d" "$@" </dev/null >/dev/null 2>&1 &
fi
i=0
while [ ! -s "$d/pid" ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
cat "$d/pid"`;

// For each "<id> <pid>" argument pair: "<id> exit <code>", "<id> running" or "<id> lost".
const STATES = String.raw`r=$1; shift
while [ $# -gt 1 ]; do
  if [ -f "$r/$1/exit" ]; then echo "$1 exit $(cat "$r/$1/exit")"
  elif kill -0 "$2" 2>/dev/null; then echo "$1 running"
  else echo "$1 lost"; fi
  shift 2
done`;

// Kills the command's process group (and its leader, should it have left its group) unless it had
// ended by itself, records 137 as its exit code, and says which it was.
const KILL = String.raw`d=$1; p=$2
if [ -f "$d/exit" ]; then echo ended; exit 0; fi
kill -9 -"$p" 2>/dev/null; kill -9 "$p" 2>/dev/null
if [ -d "$d" ]; then echo 137 >"$d/exit.tmp"; mv -f "$d/exit.tmp" "$d/exit"; fi
echo killed`;

// Prints a log file from its start, then, with follow, what is added until the command ends. GNU tail
// stops by itself when the pid ends; elsewhere a loop waits for the pid and gives tail a last poll.
const FOLLOW = String.raw`f=$1; p=$2
[ -f "$f" ] || { echo "no log file $f" >&2; exit 3; }
if tail --pid="$p" -c 0 /dev/null >/dev/null 2>&1; then exec tail -c +1 --pid="$p" -f "$f"; fi
tail -c +1 -f "$f" & t=$!
while kill -0 "$p" 2>/dev/null; do sleep 1; done
sleep 1; kill "$t" 2>/dev/null; wait "$t" 2>/dev/null; true`;

async function runScript(
  handle: SandboxHandle,
  script: string,
  args: readonly string[],
  what: string,
  options: ExecOptions = {},
): Promise<string> {
  const result = await handle.exec(['sh', '-c', script, 'sh', ...args], { cwd: '/', ...options });
  if (result.exitCode !== 0) {
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(
      handle.ref.backend,
      `${what} in sandbox ${handle.ref.id} failed (exit code ${result.exitCode})${detail ? `: ${detail}` : ''}`,
    );
  }
  return result.stdout.toString('utf8');
}

/** Options of {@link startDetached}. */
export interface StartDetachedOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/**
 * Starts `argv` in the sandbox so that it keeps running after this call (and this process) ends, its
 * output going to files in the sandbox. Needs a backend whose sandboxes keep background processes
 * (`backgroundProcesses`). Resolves as soon as the command started; it does not wait for it.
 */
export async function startDetached(
  handle: SandboxHandle,
  argv: readonly string[],
  options: StartDetachedOptions = {},
): Promise<DetachedProcess> {
  if (argv.length === 0) throw new UsageError('exec --detach needs a command to run');
  const id = newDetachedId();
  const logDir = `${DETACHED_ROOT}/${id}`;
  const result = await handle.exec(['sh', '-c', LAUNCH, 'sh', logDir, ...argv], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const pid = Number(result.stdout.toString('utf8').trim());
  if (result.exitCode !== 0 || !Number.isInteger(pid) || pid < 1) {
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(
      handle.ref.backend,
      `could not start ${JSON.stringify(argv[0])} detached in sandbox ${handle.ref.id} (exit code ${result.exitCode})${detail ? `: ${detail}` : ''}`,
    );
  }
  return { id, pid, logDir };
}

/** What became of each of `processes`, by id, asked of the sandbox in one command. */
export async function detachedStates(
  handle: SandboxHandle,
  processes: readonly DetachedProcess[],
): Promise<Map<string, DetachedState>> {
  const states = new Map<string, DetachedState>();
  if (processes.length === 0) return states;
  const args = processes.flatMap((entry) => [validateDetachedId(entry.id), String(entry.pid)]);
  const text = await runScript(handle, STATES, [DETACHED_ROOT, ...args], 'reading detached commands');
  for (const line of text.split('\n')) {
    const [id, state, code] = line.trim().split(' ');
    if (id === undefined || state === undefined) continue;
    const exitCode = Number(code);
    if (state === 'exit' && Number.isInteger(exitCode)) states.set(id, { state: 'exited', exitCode });
    else if (state === 'running') states.set(id, { state: 'running' });
    else states.set(id, { state: 'lost' });
  }
  return states;
}

/** Options of {@link readDetachedLog}. */
export interface ReadDetachedLogOptions {
  readonly stream: 'stdout' | 'stderr';
  /** Keep printing what the command adds until it ends (or `signal` aborts). */
  readonly follow: boolean;
  /** Receives the log's bytes as they are read. */
  readonly onOutput: OutputHandler;
  readonly signal?: AbortSignal;
}

/**
 * Sends a detached command's output, byte for byte, to `onOutput`; with `follow`, until the command
 * ends. A log that is gone (the sandbox was stopped, which empties `/tmp`) is a `NotFoundError`.
 */
export async function readDetachedLog(
  handle: SandboxHandle,
  entry: DetachedProcess,
  options: ReadDetachedLogOptions,
): Promise<void> {
  const file = `${entry.logDir}/${options.stream}`;
  const argv = options.follow
    ? ['sh', '-c', FOLLOW, 'sh', file, String(entry.pid)]
    : ['sh', '-c', '[ -f "$1" ] || { echo "no log file $1" >&2; exit 3; }; exec cat -- "$1"', 'sh', file];
  let stderr = '';
  const result = await handle.exec(argv, {
    cwd: '/',
    onStdout: options.onOutput,
    onStderr: (chunk) => void (stderr += Buffer.from(chunk).toString('utf8')),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (result.exitCode === 3) {
    throw new NotFoundError(
      `the ${options.stream} of detached command ${entry.id} is gone from sandbox ${handle.ref.id} (it was stopped or restarted since)`,
      { backend: handle.ref.backend, code: 'DETACHED_LOG_GONE' },
    );
  }
  if (result.exitCode !== 0) {
    throw new BackendError(
      handle.ref.backend,
      `reading the ${options.stream} of detached command ${entry.id} failed (exit code ${result.exitCode})${stderr.trim() ? `: ${stderr.trim()}` : ''}`,
    );
  }
}

/**
 * Ends a detached command and every process it started (SIGKILL to its process group). Ending one that
 * already ended changes nothing. Resolves with whether this call ended it, and what became of it.
 */
export async function killDetached(
  handle: SandboxHandle,
  entry: DetachedProcess,
): Promise<{ readonly killed: boolean; readonly state: DetachedState }> {
  const said = await runScript(
    handle,
    KILL,
    [`${DETACHED_ROOT}/${validateDetachedId(entry.id)}`, String(entry.pid)],
    `killing detached command ${entry.id}`,
  );
  const state = (await detachedStates(handle, [entry])).get(entry.id) ?? { state: 'lost' as const };
  return { killed: said.trim() === 'killed', state };
}
