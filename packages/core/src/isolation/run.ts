import type { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecResult, OutputHandler } from '../contract/backend.js';
import { deliverOutput } from '../contract/output.js';
import { IsolationError } from './errors.js';
import { spawnIsolated, type IsolatedProcess, type SpawnIsolatedOptions } from './spawn.js';

/** Options of {@link runIsolated}: {@link spawnIsolated}'s, with input and output handled for you. */
export interface RunIsolatedOptions extends Omit<SpawnIsolatedOptions, 'stdio' | 'stdin'> {
  /** Bytes or a stream for the command's stdin, which is closed afterwards; empty when absent. */
  readonly stdin?: Uint8Array | Readable;
  /** Receives stdout while the command runs, with backpressure; see the contract's `OutputHandler`. */
  readonly onStdout?: OutputHandler;
  /** Receives stderr while the command runs, never mixed with stdout. */
  readonly onStderr?: OutputHandler;
  /**
   * Called once the command has started (and been recorded in {@link IsolationOptions.procDir}); a
   * caller that learns the sandbox was stopped meanwhile can still kill it.
   */
  readonly onSpawn?: (proc: IsolatedProcess) => void;
}

// After the command ends, a process that escaped it (only possible without isolation) may still hold
// the output pipes open; stop waiting for them once they have been idle this long. Time spent waiting
// for a slow consumer is not idle: its output is still being delivered.
const OUTPUT_GRACE_MS = 2000;

interface Collector {
  chunks: Buffer[];
  ended: Promise<unknown>;
  /** Whether a chunk arrived or a handler was busy since the last call. */
  active(): boolean;
  /** Drops the rest of the output without waiting for the consumer. */
  discard(): void;
}

function collect(
  stream: Readable,
  onChunk: OutputHandler | undefined,
  fail: (error: unknown) => void,
): Collector {
  const chunks: Buffer[] = [];
  let busy = false;
  let activity = false;
  let failed = false;
  let delivered: Promise<void> = Promise.resolve();
  // The rest is read and dropped, so that the pipe reaches its end once the command is killed.
  const discard = (): void => {
    failed = true;
    busy = false;
    stream.resume();
  };
  const stop = (error: unknown): void => {
    discard();
    fail(error);
  };
  stream.on('data', (chunk: Buffer) => {
    activity = true;
    if (failed) return;
    if (onChunk === undefined) {
      chunks.push(chunk);
      return;
    }
    const pending = deliverOutput(onChunk, chunk);
    if (pending === undefined) return;
    // Not reading the pipe while the consumer is busy blocks the command's writes: that is the backpressure.
    stream.pause();
    busy = true;
    delivered = pending.then(() => {
      busy = false;
      stream.resume();
    }, stop);
  });
  return {
    chunks,
    ended: finished(stream)
      .catch(() => undefined)
      .then(() => (failed ? undefined : delivered)),
    active: () => {
      const was = activity || busy;
      activity = false;
      return was;
    },
    discard,
  };
}

/** Waits for both outputs to end, giving up once neither has moved for {@link OUTPUT_GRACE_MS}. */
async function drained(outputs: readonly Collector[]): Promise<void> {
  const ended = Promise.all(outputs.map((output) => output.ended)).then(() => true);
  for (;;) {
    const grace = new AbortController();
    const idle = sleep(OUTPUT_GRACE_MS, false, { signal: grace.signal }).catch(() => false);
    const done = await Promise.race([ended, idle]);
    // A pending timer would keep a finished CLI process alive for the whole grace period.
    grace.abort();
    if (done) return;
    if (!outputs.map((output) => output.active()).some(Boolean)) return;
  }
}

function feedStdin(
  proc: IsolatedProcess,
  input: Uint8Array | Readable | undefined,
  fail: (error: unknown) => void,
): void {
  const sink = proc.stdin;
  if (input === undefined || sink === null) return;
  // A command may exit without reading its input; the resulting EPIPE is not an error of ours.
  sink.on('error', () => undefined);
  if (input instanceof Uint8Array) {
    sink.end(input);
    return;
  }
  input.once('error', fail);
  pipeline(input, sink).catch(() => undefined);
}

/**
 * Runs a command in a sandbox (see {@link spawnIsolated}) and waits for it. Output without a handler is
 * collected in full and returned byte for byte; output with one is delivered to it and not kept. A
 * non-zero exit is a result. A timeout kills the command and everything it started (`timedOut`, exit
 * 137); an abort does the same and rejects with the signal's reason.
 */
export async function runIsolated(options: RunIsolatedOptions): Promise<ExecResult> {
  const { stdin, onStdout, onStderr, onSpawn, ...rest } = options;
  const proc = await spawnIsolated({
    ...rest,
    stdio: 'pipe',
    stdin: stdin === undefined ? 'ignore' : 'pipe',
  });
  onSpawn?.(proc);
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown): void => {
    failure ??= { error };
    proc.kill();
  };
  feedStdin(proc, stdin, fail);
  const stdout = collect(proc.stdout as Readable, onStdout, fail);
  const stderr = collect(proc.stderr as Readable, onStderr, fail);
  const exit = await proc.exited;
  if (exit.aborted) {
    // An abort stops waiting for the consumer too: it may be the one that is stuck.
    stdout.discard();
    stderr.discard();
  }
  await drained([stdout, stderr]);
  proc.stdout?.destroy();
  proc.stderr?.destroy();
  if (exit.aborted) throw options.signal?.reason;
  if (failure !== undefined) {
    const backend = options.backend === undefined ? {} : { backend: options.backend };
    throw new IsolationError(
      `command ${JSON.stringify(options.argv[0])} was stopped: ${String(failure.error)}`,
      {
        ...backend,
        cause: failure.error,
      },
    );
  }
  return {
    exitCode: exit.exitCode,
    stdout: Buffer.concat(stdout.chunks),
    stderr: Buffer.concat(stderr.chunks),
    durationMs: exit.durationMs,
    timedOut: exit.timedOut,
  };
}
