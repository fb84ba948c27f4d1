import type { Readable } from 'node:stream';
import { BackendError, type ExecOptions, type ExecResult } from '@agentkernel/core';
import type { CommandHandle } from 'e2b';
import { BACKEND } from './errors.js';
import { WrapperDecoder, wrapperScript } from './exec-wrapper.js';
import type { SdkSandbox } from './runtime.js';

const STDIN_CHUNK = 256 * 1024;
/** How long after its own timeout a command may take before we stop waiting for the sandbox to kill it. */
const TIMEOUT_GRACE_MS = 15_000;
/** envd reports a command ended by a signal with exit code -1 (Go's ProcessState.ExitCode). */
const SIGNALLED = -1;
const SIGKILL_EXIT = 137;

/** A command started through `commands.run`, wrapped so its output bytes survive exactly. */
export interface StartedCommand {
  readonly handle: CommandHandle;
  readonly decoder: WrapperDecoder;
  readonly started: number;
}

/** Starts `argv` in the sandbox; resolves once envd reports the process started. */
export async function startCommand(
  sandbox: SdkSandbox,
  argv: readonly string[],
  cwd: string,
  options: ExecOptions,
): Promise<StartedCommand> {
  const decoder = new WrapperDecoder(options.onStdout, options.onStderr);
  const started = performance.now();
  const handle = await sandbox.commands.run(wrapperScript(argv, cwd, options.timeoutMs), {
    background: true,
    ...(options.env === undefined ? {} : { envs: { ...options.env } }),
    stdin: options.stdin !== undefined,
    // The wrapper enforces the command's timeout in the sandbox; the stream itself has none.
    timeoutMs: 0,
    onStdout: (text) => decoder.feed('stdout', text),
    onStderr: (text) => decoder.feed('stderr', text),
  });
  return { handle, decoder, started };
}

async function* chunksOf(input: Uint8Array | Readable): AsyncGenerator<Uint8Array> {
  const sources: AsyncIterable<Uint8Array> | Uint8Array[] = input instanceof Uint8Array ? [input] : input;
  for await (const source of sources) {
    const bytes = typeof source === 'string' ? Buffer.from(source) : source;
    for (let offset = 0; offset < bytes.length; offset += STDIN_CHUNK)
      yield bytes.subarray(offset, offset + STDIN_CHUNK);
  }
}

async function feedStdin(handle: CommandHandle, input: Uint8Array | Readable): Promise<void> {
  try {
    for await (const chunk of chunksOf(input)) await handle.sendStdin(chunk);
    await handle.closeStdin();
  } catch {
    // A command may end without reading all of its input (like EPIPE locally): not an error of ours.
  }
}

/** Kills the command's whole process group (the wrapper reported it), then the wrapper itself. */
async function killCommand(sandbox: SdkSandbox, command: StartedCommand): Promise<void> {
  const group = command.decoder.groupPid;
  if (group !== undefined) {
    await sandbox.commands
      .run(`kill -KILL -- -${group} ${group} 2>/dev/null; true`, { timeoutMs: 10_000 })
      .catch(() => undefined);
  }
  await command.handle.kill().catch(() => undefined);
}

interface Outcome {
  readonly exitCode: number;
  readonly timedOut: boolean;
}

async function waitExit(command: StartedCommand): Promise<number> {
  try {
    return (await command.handle.wait()).exitCode;
  } catch (error) {
    if ((error as Error).name === 'CommandExitError') return (error as { exitCode: number }).exitCode;
    throw error;
  }
}

/**
 * Waits for a started command: feeds stdin, honours abort (kill, then reject with the reason) and
 * the timeout (the sandbox kills the command; a backstop here in case it cannot), and returns the
 * exact bytes. A non-zero exit is a result.
 */
export async function finishCommand(
  sandbox: SdkSandbox,
  command: StartedCommand,
  argv: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const { handle, decoder, started } = command;
  if (options.stdin !== undefined) void feedStdin(handle, options.stdin);
  let backstop: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<Outcome>((resolve, reject) => {
    if (options.timeoutMs !== undefined) {
      backstop = setTimeout(() => {
        void killCommand(sandbox, command);
        resolve({ exitCode: SIGKILL_EXIT, timedOut: true });
      }, options.timeoutMs + TIMEOUT_GRACE_MS);
    }
    const signal = options.signal;
    if (signal !== undefined) {
      onAbort = () => {
        void killCommand(sandbox, command).finally(() => void handle.disconnect());
        reject(signal.reason as Error);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  let outcome: Outcome;
  try {
    outcome = await Promise.race([
      waitExit(command).then((code) => {
        const exitCode = code === SIGNALLED ? SIGKILL_EXIT : code;
        const elapsed = performance.now() - started;
        return {
          exitCode,
          timedOut:
            options.timeoutMs !== undefined && exitCode === SIGKILL_EXIT && elapsed >= options.timeoutMs,
        };
      }),
      stopped,
      // A consumer that failed (its reader went away) will take no more output: stop the command.
      decoder.failed.then(() => {
        void killCommand(sandbox, command);
        return { exitCode: SIGKILL_EXIT, timedOut: false };
      }),
    ]);
  } finally {
    clearTimeout(backstop);
    if (onAbort !== undefined) options.signal?.removeEventListener('abort', onAbort);
  }
  await decoder.flush();
  if (decoder.wrapperError !== undefined) {
    throw new BackendError(
      BACKEND,
      `could not run ${JSON.stringify(argv[0])} in sandbox ${sandbox.sandboxId}: ${decoder.wrapperError}`,
    );
  }
  if (decoder.callbackError !== undefined) {
    throw new BackendError(
      BACKEND,
      `an output callback of ${JSON.stringify(argv[0])} failed: ${String(decoder.callbackError.error)}`,
      {
        cause: decoder.callbackError.error,
      },
    );
  }
  return {
    exitCode: outcome.exitCode,
    stdout: Buffer.concat(decoder.stdout),
    stderr: Buffer.concat(decoder.stderr),
    durationMs: performance.now() - started,
    timedOut: outcome.timedOut,
  };
}
