import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '@agentkernel/core';
import { BACKEND, classifyDaytona } from './errors.js';
import { backoffDelay, shellQuote, type TextCommand, type TextCommandApi } from '@agentkernel/core';
import { retrying, type Runtime, type SdkSandbox } from './runtime.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The line that ends stdin: base64 never produces it. */
const STDIN_END = '.';
const EXIT_POLL_MS = 100;

type Stream = 'stdout' | 'stderr';

/** The SDK rejects a failed log socket with ws's ErrorEvent, which is not an Error: unwrap it. */
function socketError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const event = thrown as { error?: unknown; message?: unknown } | undefined;
  if (event?.error instanceof Error) return event.error;
  return new Error(typeof event?.message === 'string' ? event.message : 'the log WebSocket failed');
}

/**
 * Following the log again is always harmless (it replays from the start), so only an answer that says
 * retrying cannot help (a 4xx such as 401 or 404, not 408 or 429) stops it.
 */
function refusedForGood(error: Error): boolean {
  const status = /Unexpected server response: (\d{3})/.exec(error.message)?.[1];
  return status !== undefined && classifyDaytona(error) === 'final';
}

/**
 * Forwards the log WebSocket's text to the wrapper decoder one whole line at a time, counting lines, so
 * that after a dropped socket a new one (which replays the log from its start) skips what was delivered.
 */
class LineRelay {
  private readonly delivered: Record<Stream, number> = { stdout: 0, stderr: 0 };
  private seen: Record<Stream, number> = { stdout: 0, stderr: 0 };
  private pending: Record<Stream, string> = { stdout: '', stderr: '' };

  constructor(private readonly sink: Record<Stream, (text: string) => void>) {}

  restart(): void {
    this.seen = { stdout: 0, stderr: 0 };
    this.pending = { stdout: '', stderr: '' };
  }

  feed(stream: Stream, text: string): void {
    const lines = (this.pending[stream] + text).split('\n');
    this.pending[stream] = lines.pop() ?? '';
    for (const line of lines) {
      this.seen[stream] += 1;
      if (this.seen[stream] <= this.delivered[stream]) continue;
      this.delivered[stream] += 1;
      this.sink[stream](`${line}\n`);
    }
  }
}

/** The command line given to the session: env assignments, the script under `sh -c`, stdin decoding. */
function sessionCommand(script: string, env: Readonly<Record<string, string>>, stdin: boolean): string {
  const assignments = Object.entries(env).map(([key, value]) => {
    if (!ENV_NAME.test(key))
      throw new UsageError(`environment variable name ${JSON.stringify(key)} is not a valid shell name`, {
        backend: BACKEND,
      });
    return `${key}=${shellQuote(value)}`;
  });
  const run = [...assignments, 'sh', '-c', shellQuote(script), 'agentkernel-exec'].join(' ');
  // Session input is text with a newline added: stdin travels as base64 lines up to a lone ".".
  return stdin ? `sed -n '/^\\.$/q;p' | base64 -d | ${run}` : `${run} </dev/null`;
}

/**
 * Daytona's session API as a {@link TextCommandApi}: each command runs in a session of its own (so
 * deleting the session kills everything it started), its output streams over the log WebSocket, its
 * exit code comes from the session's command record.
 */
export function sessionApi(runtime: Runtime, sandbox: SdkSandbox): TextCommandApi {
  const process = sandbox.process;
  const doing = (action: string) => ({ action, sandboxId: sandbox.id });
  return {
    async start(script, io) {
      const sessionId = `agentkernel-${randomUUID()}`;
      let attempts = 0;
      // A retried create whose first attempt did reach the daemon answers 409: the session is there.
      await retrying(runtime, doing('opening an exec session'), 'idempotent', async () => {
        attempts += 1;
        try {
          await process.createSession(sessionId);
        } catch (error) {
          if (attempts > 1 && (error as { statusCode?: number }).statusCode === 409) return;
          throw error;
        }
      });
      const command = sessionCommand(script, io.env ?? {}, io.stdin);
      const existing = async (): Promise<{ cmdId: string } | undefined> => {
        const session = await retrying(runtime, doing('looking for the started command'), 'idempotent', () =>
          process.getSession(sessionId),
        );
        const first = session.commands[0];
        return first === undefined ? undefined : { cmdId: first.id };
      };
      let ended: () => void = () => undefined;
      const onClose = new Promise<void>((resolve) => (ended = resolve));
      try {
        // Never run twice: after an ambiguous failure the session says whether the command got there.
        const { cmdId } = await retrying(
          runtime,
          doing('starting a command'),
          'refused-only',
          () =>
            process.executeSessionCommand(sessionId, { command, runAsync: true, suppressInputEcho: true }),
          { recover: existing },
        );
        let ready: () => void = () => undefined;
        const started = new Promise<void>((resolve) => (ready = resolve));
        // Daytona's log stream does not wait for its callback, so a busy consumer cannot hold it back here;
        // the decoder's promise never rejects (a failed consumer stops the command through it instead).
        const relay = new LineRelay({
          stdout: (text) => {
            ready();
            void io.onStdout(text);
          },
          stderr: (text) => {
            ready();
            void io.onStderr(text);
          },
        });
        const exitCode = async (): Promise<number | undefined> =>
          (
            await retrying(runtime, doing('asking for the exit code'), 'idempotent', () =>
              process.getSessionCommand(sessionId, cmdId),
            )
          ).exitCode ?? undefined;
        const follow = async (): Promise<number> => {
          for (let round = 0; ; round += 1) {
            relay.restart();
            try {
              await process.getSessionCommandLogs(
                sessionId,
                cmdId,
                (text) => relay.feed('stdout', text),
                (text) => relay.feed('stderr', text),
              );
            } catch (thrown) {
              const error = socketError(thrown);
              if (round >= runtime.retrier.policy.retries || refusedForGood(error)) throw error;
              await sleep(backoffDelay(runtime.retrier.policy, round));
              continue;
            }
            // The socket closes once the command ended; closed earlier, it was cut: follow again.
            const code = await exitCode();
            if (code !== undefined) return code;
            if (round >= runtime.retrier.policy.retries) {
              for (;;) {
                await sleep(EXIT_POLL_MS);
                const later = await exitCode();
                if (later !== undefined) return later;
              }
            }
          }
        };
        const finished = follow().finally(() => {
          ready();
          ended();
        });
        finished.catch(() => undefined);
        const input = async (data: string): Promise<void> => {
          await Promise.race([started, onClose]);
          await retrying(runtime, doing('sending input'), 'refused-only', () =>
            process.sendSessionCommandInput(sessionId, cmdId, data),
          );
        };
        const close = (): Promise<void> =>
          retrying(runtime, doing('closing the exec session'), 'idempotent', () =>
            process.deleteSession(sessionId),
          ).catch(() => undefined);
        const handle: TextCommand = {
          wait: async () => {
            try {
              return await finished;
            } finally {
              await close();
            }
          },
          sendStdin: (chunk) => input(`${Buffer.from(chunk).toString('base64')}\n`),
          closeStdin: () => input(`${STDIN_END}\n`),
          kill: close,
        };
        return handle;
      } catch (error) {
        await retrying(runtime, doing('closing the exec session'), 'idempotent', () =>
          process.deleteSession(sessionId),
        ).catch(() => undefined);
        throw error;
      }
    },
    async run(script) {
      await retrying(runtime, doing('running a helper command'), 'refused-only', () =>
        process.executeCommand(`sh -c ${shellQuote(script)}`, undefined, undefined, runtime.timeoutSeconds),
      );
    },
  };
}
