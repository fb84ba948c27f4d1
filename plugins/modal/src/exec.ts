import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  deliverOutput,
  GROUP_LEADER,
  type ExecOptions,
  type ExecResult,
  type OutputHandler,
} from '@agentkernel/core';
import type * as Modal from 'modal';

const SIGKILL_EXIT = 137;
/** How long after its timeout a command may run before we kill it ourselves (the sandbox normally has). */
const TIMEOUT_BACKSTOP_MS = 2_000;

// Modal has no call that kills a running exec, and its own exec timeout is in whole seconds. So every
// command runs under this wrapper: coreutils' (or busybox's) `timeout` kills the command's whole process
// group at the exact time, and the wrapper's pid file lets an abort kill it from a second exec.
// Standard input comes from a file written beforehand (the file API's writes are safe to retry, unlike
// a stdin stream that broke halfway) or from /dev/null, so no command ever waits on a stdin left open.
// The command's stdout and stderr are its own (nothing is added to them).
const WRAPPER = [
  'f=$1 t=$2 i=$3',
  'shift 3',
  'if [ "$t" != 0 ] && command -v timeout >/dev/null 2>&1; then set -- timeout -s KILL "$t" "$@"; fi',
  GROUP_LEADER,
  'if [ -n "$i" ]; then exec 3<"$i" || exit 125; rm -f -- "$i"; else exec 3</dev/null; fi',
  // An asynchronous command's stdin is /dev/null in dash unless redirected from another descriptor.
  '"$@" <&3 3<&- &',
  'p=$!',
  'exec 3<&-',
  'echo "$p" >"$f" 2>/dev/null',
  'wait "$p"',
  's=$?',
  'rm -f "$f"',
  'exit "$s"',
].join('\n');

// `kill -9 -PGID PID`, not `kill -KILL -- ...`: dash and busybox take no `--`.
const KILLER = 'p=$(cat "$1" 2>/dev/null) && kill -9 -"$p" "$p" 2>/dev/null; rm -f "$1"';
/** How long an abort waits for the kill to reach the sandbox before rejecting anyway. */
const ABORT_KILL_WAIT_MS = 15_000;

/** The argv Modal runs for `argv`, the file its pid goes to, and the file its stdin is read from, if any. */
export function wrap(
  argv: readonly string[],
  timeoutMs: number | undefined,
  withStdin: boolean,
): { argv: string[]; pidFile: string; stdinFile: string | undefined } {
  const id = randomUUID();
  const pidFile = `/tmp/.agentkernel-exec-${id}`;
  const stdinFile = withStdin ? `/tmp/.agentkernel-stdin-${id}` : undefined;
  const seconds = timeoutMs === undefined ? '0' : (Math.max(timeoutMs, 1) / 1000).toFixed(3);
  return {
    argv: ['sh', '-c', WRAPPER, 'agentkernel', pidFile, seconds, stdinFile ?? '', ...argv],
    pidFile,
    stdinFile,
  };
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  onChunk: OutputHandler | undefined,
  sink: Buffer[],
): Promise<void> {
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // A handled stream is not kept, and a busy handler holds the stream back (the contract's OutputHandler).
    if (onChunk === undefined) sink.push(bytes);
    else await deliverOutput(onChunk, bytes);
  }
}

export interface ExecTarget {
  /** Starts a command (Modal's `sandbox.exec`). */
  readonly start: (
    argv: string[],
    params: Modal.SandboxExecParams & { mode: 'binary' },
  ) => Promise<Modal.ContainerProcess<Uint8Array>>;
  /** Writes the command's standard input to a sandbox file before it starts. */
  readonly writeStdin: (path: string, data: Uint8Array | Readable) => Promise<void>;
  /** Runs a short helper command (the abort and timeout kills). */
  readonly kill: (pidFile: string) => Promise<void>;
}

/** The argv of the helper that kills a wrapped command from its pid file. */
export const killArgv = (pidFile: string): string[] => ['sh', '-c', KILLER, 'agentkernel', pidFile];

/**
 * Runs `argv` in the sandbox with exact bytes both ways, streaming output to the callbacks, and
 * honouring the timeout (in the sandbox, to the millisecond) and abort (kill, then reject with the
 * reason). A non-zero exit is a result.
 */
export async function runCommand(
  target: ExecTarget,
  argv: readonly string[],
  cwd: string,
  options: ExecOptions,
): Promise<ExecResult> {
  const { argv: wrapped, pidFile, stdinFile } = wrap(argv, options.timeoutMs, options.stdin !== undefined);
  if (stdinFile !== undefined && options.stdin !== undefined)
    await target.writeStdin(stdinFile, options.stdin);
  const started = performance.now();
  const process = await target.start(wrapped, {
    mode: 'binary',
    workdir: cwd,
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const finished = Promise.all([
    collect(process.stdout as ReadableStream<Uint8Array>, options.onStdout, stdout),
    collect(process.stderr as ReadableStream<Uint8Array>, options.onStderr, stderr),
    process.wait(),
  ]).then(([, , code]) => code);

  let backstop: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let aborting = false;
  const stopped = new Promise<number>((resolve, reject) => {
    if (options.timeoutMs !== undefined) {
      backstop = setTimeout(() => {
        void target.kill(pidFile);
        resolve(SIGKILL_EXIT);
      }, options.timeoutMs + TIMEOUT_BACKSTOP_MS);
    }
    const signal = options.signal;
    if (signal === undefined) return;
    // The rejection waits for the kill: a CLI exits as soon as exec rejects, and a kill still on its
    // way would never reach the sandbox.
    onAbort = () => {
      aborting = true;
      let timer: NodeJS.Timeout | undefined;
      void Promise.race([
        target.kill(pidFile).catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, ABORT_KILL_WAIT_MS))),
      ]).finally(() => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      });
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  let exitCode: number;
  try {
    // Once aborted, the command's end (the kill's doing) is not its result: the abort is.
    exitCode = await Promise.race([
      finished.then(
        (code) => (aborting ? stopped : code),
        async (error: unknown) => {
          if (aborting) return stopped;
          throw error;
        },
      ),
      stopped,
    ]);
  } finally {
    clearTimeout(backstop);
    if (onAbort !== undefined) options.signal?.removeEventListener('abort', onAbort);
  }
  const durationMs = performance.now() - started;
  return {
    exitCode,
    stdout: Buffer.concat(stdout),
    stderr: Buffer.concat(stderr),
    durationMs,
    timedOut: options.timeoutMs !== undefined && exitCode === SIGKILL_EXIT && durationMs >= options.timeoutMs,
  };
}
