import {
  BackendError,
  backoffDelay,
  classify,
  shellQuote,
  type Doing,
  type TextCommand,
  type TextCommandApi,
} from '@agentkernel/core';
import type { DevboxAsyncExecutionDetailView } from '@runloop/api-client/resources/devboxes/devboxes';
import { setTimeout as sleep } from 'node:timers/promises';
import { uuidv7 } from 'uuidv7';
import { BACKEND, classifyRunloopError, toAgentkernelError } from './errors.js';
import type { Runtime } from './runtime.js';

/**
 * How long `execute` may wait for a command before answering with the running execution, in seconds:
 * long enough that a short command is one request, short enough that an abort is not held up. Runloop
 * answers 0 with a 408, so 1 is the least.
 */
const OPTIMISTIC_SECONDS = 1;

type Stream = 'stdout' | 'stderr';
type View = DevboxAsyncExecutionDetailView;

/** `export K=V` lines: Runloop's exec takes no environment, so it is set in the script. */
function exports(env: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(env ?? {})
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
        throw new Error(`invalid environment variable name ${JSON.stringify(key)}`);
      return `export ${key}=${shellQuote(value)}\n`;
    })
    .join('');
}

/** One execution, its output read from the view it completed with or from the SSE streams. */
class RunloopCommand implements TextCommand {
  private readonly streams = new AbortController();
  private readonly streaming: Promise<void> | undefined;

  constructor(
    private readonly runtime: Runtime,
    private readonly devboxId: string,
    private readonly first: View,
    private readonly output: Record<Stream, (text: string) => Promise<void> | undefined>,
    streaming: boolean,
  ) {
    if (streaming) {
      this.streaming = Promise.all([this.pump('stdout', 0), this.pump('stderr', 0)]).then(() => undefined);
      // Awaited by wait(); marked handled so a failure before then is not reported as unhandled.
      this.streaming.catch(() => undefined);
    }
  }

  private doing(action: string): Doing {
    return { action: `${action} of execution ${this.first.execution_id}`, sandboxId: this.devboxId };
  }

  /**
   * Feeds one output stream from `offset` to its end (the execution completed and everything was
   * sent). The SDK reconnects on its own after Runloop's idle 408s; any other transient failure
   * reopens the stream from the last offset, within the retry budget.
   */
  private async pump(stream: Stream, offset: number): Promise<void> {
    const { client, settings } = this.runtime;
    const executions = client.devboxes.executions;
    const open = (query: { offset: string }, options: { signal: AbortSignal; timeout: number }) =>
      stream === 'stdout'
        ? executions.streamStdoutUpdates(this.devboxId, this.first.execution_id, query, options)
        : executions.streamStderrUpdates(this.devboxId, this.first.execution_id, query, options);
    let next = offset;
    for (let failures = 0; ;) {
      try {
        const updates = await open(
          { offset: String(next) },
          { signal: this.streams.signal, timeout: settings.requestTimeoutMs },
        );
        for await (const chunk of updates) {
          // A busy consumer holds the stream back (core's TextCommandApi).
          await this.output[stream](chunk.output);
          next = chunk.offset ?? next + Buffer.byteLength(chunk.output);
        }
        return;
      } catch (error) {
        if (this.streams.signal.aborted) return;
        failures += 1;
        const transient = classify(error, classifyRunloopError).transience !== 'final';
        if (!transient || failures > settings.retry.retries) throw error;
        this.runtime.logger.debug(
          `runloop: ${stream} stream of ${this.first.execution_id} reopened at ${next} after: ${(error as Error).message}`,
        );
        await sleep(backoffDelay(settings.retry, failures - 1));
      }
    }
  }

  /** Long-polls until the execution completed; each poll is retried, the SDK re-polls Runloop's 408s. */
  private async completed(): Promise<View> {
    if (this.first.status === 'completed') return this.first;
    const { client } = this.runtime;
    return this.runtime.retrier.call(this.doing('waiting for the end'), 'idempotent', () =>
      client.devboxes.executions.awaitCompleted(this.devboxId, this.first.execution_id),
    );
  }

  async wait(): Promise<number> {
    const done = await this.completed();
    if (this.streaming !== undefined) await this.streaming;
    else if (done.stdout_truncated === true || done.stderr_truncated === true) {
      // The view holds only the last lines: the whole output is replayed from the SSE streams.
      await Promise.all([this.pump('stdout', 0), this.pump('stderr', 0)]);
    } else {
      await this.output.stdout(done.stdout ?? '');
      await this.output.stderr(done.stderr ?? '');
    }
    return done.exit_status ?? 0;
  }

  async sendStdin(): Promise<void> {
    throw new Error('Runloop commands get their stdin from a file');
  }

  async closeStdin(): Promise<void> {
    // stdin is a file (see the backend's exec)
  }

  async kill(): Promise<void> {
    const { client } = this.runtime;
    await this.runtime.retrier.call(this.doing('killing'), 'idempotent', () =>
      client.devboxes.executions.kill(this.devboxId, this.first.execution_id, { kill_process_group: true }),
    );
  }

  disconnect(): void {
    this.streams.abort();
  }
}

/**
 * Runloop's exec as core's text command API. With `streaming`, a command starts with `execute_async`
 * and its output is read from the SSE streams as it comes; starting is retried only when Runloop
 * refused it, so a command never runs twice. Without, it starts with `execute` and a `command_id`,
 * which Runloop deduplicates, so the start is retried after any transient failure; a short command's
 * output comes back in that one answer.
 */
export function commandApi(runtime: Runtime, devboxId: string, streaming: boolean): TextCommandApi {
  const { client } = runtime;
  const execute = (command: string): Promise<View> => {
    const commandId = uuidv7();
    return runtime.retrier.call({ action: 'starting a command', sandboxId: devboxId }, 'idempotent', () =>
      client.devboxes.execute(devboxId, {
        command,
        command_id: commandId,
        optimistic_timeout: OPTIMISTIC_SECONDS,
      }),
    );
  };
  const executeAsync = async (command: string): Promise<View> => {
    try {
      return await runtime.retrier.run('starting a command', 'refused-only', () =>
        client.devboxes.executeAsync(devboxId, { command }),
      );
    } catch (error) {
      if (classify(error, classifyRunloopError).transience !== 'ambiguous')
        throw toAgentkernelError(error, { action: 'starting a command', sandboxId: devboxId });
      throw new BackendError(
        BACKEND,
        `starting a command in devbox ${devboxId} failed, and it may have started anyway, so it was not repeated: ${(error as Error).message}`,
        { code: 'RUNLOOP_UNAVAILABLE', hint: 'run it again if it did not run', cause: error },
      );
    }
  };
  return {
    start: async (script, io) => {
      const command = `${exports(io.env)}${script}`;
      const first = streaming ? await executeAsync(command) : await execute(command);
      return new RunloopCommand(
        runtime,
        devboxId,
        first,
        { stdout: io.onStdout, stderr: io.onStderr },
        streaming,
      );
    },
    run: async (script) => {
      const first = await execute(script);
      if (first.status !== 'completed')
        await client.devboxes.executions.awaitCompleted(devboxId, first.execution_id).catch(() => undefined);
    },
  };
}
