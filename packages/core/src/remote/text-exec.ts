import type { Readable } from 'node:stream';
import type { ExecOptions, ExecResult } from '../contract/backend.js';
import { BackendError } from '../errors/errors.js';
import { randomBytes } from 'node:crypto';
import { killByIdScript, WrapperDecoder, wrapperScript } from './exec-wrapper.js';

/** How much of `stdin` one `sendStdin` call carries. */
export const STDIN_CHUNK_BYTES = 256 * 1024;
/** How long after its own timeout a command may run before we stop waiting for the sandbox to kill it. */
const TIMEOUT_GRACE_MS = 15_000;
/** The exit code of a command ended by SIGKILL (128 + 9), as a local shell reports it. */
export const SIGKILL_EXIT_CODE = 137;

/** One command started through a provider's text command API (see {@link TextCommandApi}). */
export interface TextCommand {
  /**
   * Resolves with the command's exit code once it ended, or `'signalled'` when a signal ended it (a
   * provider that reports a signal as exit code -1, as envd does, maps it).
   */
  wait(): Promise<number | 'signalled'>;
  sendStdin(chunk: Uint8Array): Promise<void>;
  closeStdin(): Promise<void>;
  /** Ends the command's own process (the wrapper shell). Never rejects for a command that already ended. */
  kill(): Promise<void>;
  /** Stops receiving the command's output, without ending it. */
  disconnect?(): void;
}

/**
 * What a provider whose command API hands output back as decoded text must offer so that
 * {@link execOverText} can run commands byte-exactly on it.
 */
export interface TextCommandApi {
  /**
   * Starts `script` with a POSIX shell (bash -c, sh -c, ...) in the background, calling `onStdout` /
   * `onStderr` with each piece of output text as it arrives; resolves once the command started. The
   * provider applies its own retry rules: a start that may have reached the sandbox is never repeated.
   */
  start(
    script: string,
    io: {
      readonly env?: Readonly<Record<string, string>>;
      /** Whether the command's stdin must be kept open for {@link TextCommand.sendStdin}. */
      readonly stdin: boolean;
      /**
       * Takes output text. When it returns a promise, the provider hands over no more of that stream
       * until the promise settles (an SDK that awaits its output callbacks does so when given this one
       * directly), so a slow consumer holds the command back instead of filling memory.
       */
      readonly onStdout: (text: string) => Promise<void> | undefined;
      readonly onStderr: (text: string) => Promise<void> | undefined;
    },
  ): Promise<TextCommand>;
  /** Runs a short shell command to completion, ignoring its output (used to kill a process group). */
  run(script: string): Promise<void>;
}

/** Where a command runs, for messages. */
export interface TextExecTarget {
  readonly backend: string;
  readonly sandboxId: string;
}

async function* chunksOf(input: Uint8Array | Readable): AsyncGenerator<Uint8Array> {
  const sources: AsyncIterable<Uint8Array> | Uint8Array[] = input instanceof Uint8Array ? [input] : input;
  for await (const source of sources) {
    const bytes = typeof source === 'string' ? Buffer.from(source) : source;
    for (let offset = 0; offset < bytes.length; offset += STDIN_CHUNK_BYTES)
      yield bytes.subarray(offset, offset + STDIN_CHUNK_BYTES);
  }
}

async function feedStdin(command: TextCommand, input: Uint8Array | Readable): Promise<void> {
  try {
    for await (const chunk of chunksOf(input)) await command.sendStdin(chunk);
    await command.closeStdin();
  } catch {
    // A command may end without reading all of its input (like EPIPE locally): not an error of ours.
  }
}

/** How long an abort waits for the kill to reach the sandbox before rejecting anyway. */
const ABORT_KILL_WAIT_MS = 15_000;
/** A started wrapper and how to find it in the sandbox. */
interface Started {
  readonly command: TextCommand;
  readonly id: string;
  /** The TMPDIR the command was given, if any: its wrapper's folder is there. */
  readonly tmpdir: string | undefined;
}

/**
 * Kills the command's whole process group and removes the wrapper's temporary folder, both found in
 * the sandbox by the exec's id, then kills the wrapper itself.
 */
async function killCommand(api: TextCommandApi, started: Started): Promise<void> {
  await api.run(killByIdScript(started.id, started.tmpdir)).catch(() => undefined);
  await started.command.kill().catch(() => undefined);
}

/** {@link killCommand}, given at most `ms` (a sandbox that stopped answering must not hold us). */
async function killWithin(api: TextCommandApi, started: Started, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    killCommand(api, started),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

interface Outcome {
  readonly exitCode: number;
  readonly timedOut: boolean;
}

/**
 * Runs `argv` byte-exactly on a command API that hands output back as text: the command runs under the
 * wrapper of {@link wrapperScript}, stdin is sent in chunks of {@link STDIN_CHUNK_BYTES}, the timeout is
 * enforced in the sandbox (with a backstop here), aborting kills the command's process group and
 * rejects with the signal's reason, and a command ended by a signal exits {@link SIGKILL_EXIT_CODE}.
 * A non-zero exit is a result; a failure of the wrapper itself or of an output callback is a
 * `BackendError`. Errors of the provider's API are rethrown as they are, for the provider to map.
 */
export async function execOverText(
  api: TextCommandApi,
  argv: readonly string[],
  options: ExecOptions & { readonly cwd: string },
  target: TextExecTarget,
): Promise<ExecResult> {
  const decoder = new WrapperDecoder(options.onStdout, options.onStderr);
  const started = performance.now();
  const id = randomBytes(6).toString('hex');
  const command = await api.start(wrapperScript(argv, options.cwd, options.timeoutMs, id), {
    ...(options.env === undefined ? {} : { env: options.env }),
    stdin: options.stdin !== undefined,
    onStdout: (text) => decoder.feed('stdout', text),
    onStderr: (text) => decoder.feed('stderr', text),
  });
  if (options.stdin !== undefined) void feedStdin(command, options.stdin);
  const wrapper: Started = { command, id, tmpdir: options.env?.TMPDIR };
  let backstop: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let aborting = false;
  const stopped = new Promise<Outcome>((resolve, reject) => {
    if (options.timeoutMs !== undefined) {
      backstop = setTimeout(() => {
        void killCommand(api, wrapper);
        resolve({ exitCode: SIGKILL_EXIT_CODE, timedOut: true });
      }, options.timeoutMs + TIMEOUT_GRACE_MS);
    }
    const signal = options.signal;
    if (signal !== undefined) {
      // The rejection waits for the kill: a CLI exits as soon as exec rejects, and a kill still on its
      // way would never reach the sandbox.
      onAbort = () => {
        aborting = true;
        void killWithin(api, wrapper, ABORT_KILL_WAIT_MS).finally(() => {
          command.disconnect?.();
          reject(signal.reason as Error);
        });
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  let outcome: Outcome;
  try {
    outcome = await Promise.race([
      // Once aborted, the command's end (the kill's doing) is not its result: the abort is.
      command.wait().then(
        (code) => {
          if (aborting) return stopped;
          const exitCode = code === 'signalled' ? SIGKILL_EXIT_CODE : code;
          const elapsed = performance.now() - started;
          return {
            exitCode,
            timedOut:
              options.timeoutMs !== undefined &&
              exitCode === SIGKILL_EXIT_CODE &&
              elapsed >= options.timeoutMs,
          };
        },
        async (error: unknown) => {
          if (aborting) return stopped;
          throw error;
        },
      ),
      stopped,
      // A consumer that failed (its reader went away) will take no more output: stop the command.
      decoder.failed.then(() => {
        void killCommand(api, wrapper);
        return { exitCode: SIGKILL_EXIT_CODE, timedOut: false };
      }),
    ]);
  } finally {
    clearTimeout(backstop);
    if (onAbort !== undefined) options.signal?.removeEventListener('abort', onAbort);
  }
  await decoder.flush();
  const program = JSON.stringify(argv[0]);
  if (decoder.wrapperError !== undefined) {
    throw new BackendError(
      target.backend,
      `could not run ${program} in sandbox ${target.sandboxId}: ${decoder.wrapperError}`,
    );
  }
  if (decoder.callbackError !== undefined) {
    const { error } = decoder.callbackError;
    throw new BackendError(target.backend, `an output callback of ${program} failed: ${String(error)}`, {
      cause: error,
    });
  }
  return {
    exitCode: outcome.exitCode,
    stdout: Buffer.concat(decoder.stdout),
    stderr: Buffer.concat(decoder.stderr),
    durationMs: performance.now() - started,
    timedOut: outcome.timedOut,
  };
}
