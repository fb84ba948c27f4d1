import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants, tmpdir } from 'node:os';
import { PassThrough, pipeline, type Readable, type Writable } from 'node:stream';
import { requireBubblewrap } from './bubblewrap.js';
import { IsolationError, IsolationUnavailableError } from './errors.js';
import {
  checkWorkspaceDir,
  DEFAULT_WORKSPACE_DIR,
  SANDBOX_HOME,
  SANDBOX_PATH,
  sandboxCwd,
  unisolatedPath,
  type IsolationOptions,
} from './options.js';
import { joinCommand } from './join.js';
import { hideLoaderEnv, RESTORE_LOADER_ENV } from './loader-env.js';
import { sandboxArgs } from './sandbox-args.js';
import { killProcessTree, processStartTime, sigkill, trackProcess, untrackProcess } from './procs.js';

/** Options of {@link spawnIsolated}: a sandbox and one command in it. */
export interface SpawnIsolatedOptions extends IsolationOptions {
  /** Program and arguments; the program is looked up on the command's PATH. */
  readonly argv: readonly string[];
  /** Working directory as the sandbox sees it; relative paths are under the workspace. */
  readonly cwd?: string;
  /** Environment over the base one (PATH, HOME, LANG, AGENTKERNEL_WORKSPACE); nothing else leaks from the host. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * `pipe` (the default): stdout and stderr are streams on the result, and the command runs in its
   * own session. `inherit`: the command shares this process's terminal (interactive shells).
   */
  readonly stdio?: 'pipe' | 'inherit';
  /** With `stdio: 'pipe'`: `pipe` opens a stdin stream the caller must end; `ignore` (the default) gives empty input. */
  readonly stdin?: 'pipe' | 'ignore';
  /** Kill the command and everything it started after this long. */
  readonly timeoutMs?: number;
  /** Aborting kills the command and everything it started. */
  readonly signal?: AbortSignal;
}

/** How an isolated command ended. */
export interface IsolatedExit {
  /** 0-255, or 128 + N when signal N ended it (137 after a kill), 127 when the program does not exist. */
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly durationMs: number;
}

/** A running isolated command. */
export interface IsolatedProcess {
  /** The host pid of the outermost process (bwrap, or the launcher shell without isolation). */
  readonly pid: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Resolves when the command has ended (its output streams may still hold unread data). */
  readonly exited: Promise<IsolatedExit>;
  /** SIGKILLs the command and every process it started. */
  kill(): void;
}

// Runs in the sandbox before the command: enters the working directory and reports a missing program
// as a shell would (127, "command not found") rather than as bwrap's own failure (exit 1).
const LAUNCHER = [
  RESTORE_LOADER_ENV,
  'cd -- "$1" || exit 1',
  'shift',
  'case $1 in */*) ;; *) command -v -- "$1" >/dev/null 2>&1 || { printf "agentkernel: %s: command not found\\n" "$1" >&2; exit 127; } ;; esac',
  'exec "$@"',
].join('\n');

function baseEnv(
  options: SpawnIsolatedOptions,
  isolated: boolean,
  workspaceDir: string,
): Record<string, string> {
  const home = isolated ? (options.home === undefined ? '/tmp' : SANDBOX_HOME) : (options.home ?? tmpdir());
  const env: Record<string, string> = {
    PATH: SANDBOX_PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    AGENTKERNEL_WORKSPACE: isolated ? workspaceDir : options.root,
  };
  const term = process.env.TERM;
  if (options.stdio === 'inherit' && term !== undefined) env.TERM = term;
  const merged = { ...env, ...options.env };
  return isolated ? hideLoaderEnv(merged) : merged;
}

// Node drops a child's unread output once the child exits (it resumes the streams to reach EOF), so a
// fast command's output would be lost before a caller attached; a relay keeps it until read.
function relay(source: Readable | null): Readable | null {
  if (source === null) return null;
  const keeper = new PassThrough();
  pipeline(source, keeper, () => undefined);
  return keeper;
}

async function spawnFailure(
  child: ChildProcess,
  file: string,
  options: SpawnIsolatedOptions,
): Promise<never> {
  const error = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  if ((error.code === 'ENOENT' || error.code === 'EACCES') && options.mode !== 'none') {
    throw new IsolationUnavailableError(`cannot run bubblewrap at ${file} (${error.code})`, {
      ...backend,
      cause: error,
    });
  }
  throw new IsolationError(`cannot start ${file}: ${error.message}`, { ...backend, cause: error });
}

/**
 * Starts a command in a sandbox and returns at once with its streams. Under bubblewrap the workspace
 * folder is bound read-write at the workspace directory, the host's `/usr`, `/etc`, `/bin`, `/lib*` and
 * `/sbin` are read-only, `/tmp` is private, and the command has its own pid namespace (and no network
 * unless {@link IsolationOptions.network}). With `mode: 'none'` it runs on the host in the workspace
 * folder, with `AGENTKERNEL_WORKSPACE` pointing at it.
 */
export async function spawnIsolated(options: SpawnIsolatedOptions): Promise<IsolatedProcess> {
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  if (options.argv.length === 0) throw new IsolationError('no command given (argv is empty)', backend);
  options.signal?.throwIfAborted();
  const isolated = (options.mode ?? 'bubblewrap') === 'bubblewrap';
  if (!isolated && (options.binds?.length ?? 0) > 0)
    throw new IsolationError('extra binds need bubblewrap isolation', backend);
  const interactive = options.stdio === 'inherit';
  const workspaceDir = checkWorkspaceDir(options.workspaceDir ?? DEFAULT_WORKSPACE_DIR, options.backend);
  const cwd = sandboxCwd(workspaceDir, options.cwd);
  const launch = [
    '-c',
    LAUNCHER,
    'agentkernel',
    isolated ? cwd : unisolatedPath(options.root, workspaceDir, cwd),
    ...options.argv,
  ];
  const { file, args } = !isolated
    ? { file: '/bin/sh', args: launch }
    : options.environment !== undefined
      ? await joinCommand(options.environment, options, ['/bin/sh', ...launch])
      : {
          file: options.bwrapPath ?? (await requireBubblewrap(options.searchPath, options.backend)),
          args: [...(await sandboxArgs(options, workspaceDir, { interactive })), '/bin/sh', ...launch],
        };

  const started = performance.now();
  const child = spawn(file, args, {
    cwd: '/',
    env: baseEnv(options, isolated, workspaceDir),
    detached: !interactive,
    stdio: interactive ? 'inherit' : [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) return spawnFailure(child, file, options);
  const stdout = relay(child.stdout);
  const stderr = relay(child.stderr);
  // Read before the event loop can reap the child, so the record always names this very process.
  const startTime = processStartTime(pid);
  const group = !interactive;
  const kill = (): void => void killProcessTree(pid, group);
  // Kill failures surface through process.kill, not here; the listener only keeps a late 'error' from crashing us.
  child.on('error', () => undefined);

  let timedOut = false;
  let aborted = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          kill();
        }, options.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    kill();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const procDir = options.procDir;
  const registered = procDir === undefined ? Promise.resolve() : trackProcess(procDir, pid, group, startTime);

  const exited = new Promise<IsolatedExit>((resolve) => {
    child.once('exit', (code, signal) => {
      const durationMs = performance.now() - started;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Without a pid namespace, background processes would outlive the command; end them as bwrap would.
      if (!isolated && group) sigkill(-pid);
      const exitCode = code ?? 128 + (signal === null ? 0 : osConstants.signals[signal]);
      const done: IsolatedExit = { exitCode, signal, timedOut, aborted, durationMs };
      const cleanup =
        procDir === undefined ? registered : registered.then(() => untrackProcess(procDir, pid));
      cleanup.then(
        () => resolve(done),
        () => resolve(done),
      );
    });
  });

  try {
    await registered;
  } catch (error) {
    kill();
    throw new IsolationError(`cannot record the command's process in ${procDir ?? ''}`, {
      ...backend,
      cause: error,
    });
  }
  return { pid, stdin: child.stdin, stdout, stderr, exited, kill };
}
