import type { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecResult } from '../contract/backend.js';
import { IsolationError } from './errors.js';
import { spawnIsolated, type IsolatedProcess, type SpawnIsolatedOptions } from './spawn.js';

/** Options of {@link runIsolated}: {@link spawnIsolated}'s, with input and output handled for you. */
export interface RunIsolatedOptions extends Omit<SpawnIsolatedOptions, 'stdio' | 'stdin'> {
  /** Bytes or a stream for the command's stdin, which is closed afterwards; empty when absent. */
  readonly stdin?: Uint8Array | Readable;
  /** Receives stdout while the command runs. */
  readonly onStdout?: (chunk: Uint8Array) => void;
  /** Receives stderr while the command runs, never mixed with stdout. */
  readonly onStderr?: (chunk: Uint8Array) => void;
  /**
   * Called once the command has started (and been recorded in {@link IsolationOptions.procDir}); a
   * caller that learns the sandbox was stopped meanwhile can still kill it.
   */
  readonly onSpawn?: (proc: IsolatedProcess) => void;
}

// After the command ends, a process that escaped it (only possible without isolation) may still hold
// the output pipes open; stop waiting for them after this long.
const OUTPUT_GRACE_MS = 2000;

interface Collector {
  chunks: Buffer[];
  ended: Promise<unknown>;
}

function collect(
  stream: Readable,
  onChunk: ((chunk: Uint8Array) => void) | undefined,
  fail: (error: unknown) => void,
): Collector {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    try {
      onChunk?.(chunk);
    } catch (error) {
      fail(error);
    }
  });
  return { chunks, ended: finished(stream).catch(() => undefined) };
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
 * Runs a command in a sandbox (see {@link spawnIsolated}) and waits for it. Output is collected in
 * full and returned byte for byte; a non-zero exit is a result. A timeout kills the command and
 * everything it started (`timedOut`, exit 137); an abort does the same and rejects with the signal's reason.
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
  const grace = new AbortController();
  const graceOver = sleep(OUTPUT_GRACE_MS, undefined, { signal: grace.signal }).catch(() => undefined);
  await Promise.race([Promise.all([stdout.ended, stderr.ended]), graceOver]);
  // A pending timer would keep a finished CLI process alive for the whole grace period.
  grace.abort();
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
