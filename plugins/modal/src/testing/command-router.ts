import { ServerError, spawnInSandbox, Status, type CallContext } from '@agentkernel/fake-kit';
import { checkRouter } from './auth.js';
import { envOfSecretSources, type FakeContext } from './control-plane.js';
import { FakeExec, type ExecExit } from './exec.js';
import { fsToolsArgv } from './fs-tools.js';
import { MODAL_LAYOUT, type FakeModalSandbox } from './state.js';

type Message = Record<string, unknown>;

const STDIO_STDOUT = 0;
const STDIO_STDERR = 1;
const CONFIG_PIPE = 1;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const exitMessage = (exit: ExecExit | undefined): Message => (exit === undefined ? {} : { ...exit });

/** The shell word for `word`, for wrapping an argv under `script`. */
const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * `modal.task_command_router.TaskCommandRouter`: exec with stdio read streams (resumable at any byte
 * offset), stdin writes keyed by offset (unary and client-streamed), wait/poll, and filesystem
 * snapshots. Commands run for real, isolated, in the sandbox's folders; the SDK's fs-tools calls run
 * an equivalent script in the sandbox.
 */
export function commandRouter(
  fake: FakeContext,
): Record<string, (request: never, context: CallContext) => unknown> {
  const { state } = fake;
  const snapshots = new Map<string, Promise<Message>>();
  const starting = new Map<string, Promise<void>>();

  const taskOf = async (request: Message, context: CallContext): Promise<FakeModalSandbox> => {
    const taskId = str(request.taskId);
    const sandbox = [...state.sandboxes.values()].find((candidate) => candidate.taskId === taskId);
    const live = sandbox === undefined ? undefined : await state.get(sandbox.sandboxId);
    if (live === undefined || live.result !== undefined) {
      throw new ServerError(Status.NOT_FOUND, `task ${taskId} not found (the sandbox has finished)`);
    }
    checkRouter(context, live.jwt);
    live.lastActive = Date.now() / 1000;
    return live;
  };
  const execOf = async (request: Message, context: CallContext): Promise<FakeExec> => {
    const sandbox = await taskOf(request, context);
    const exec = sandbox.execs.get(str(request.execId));
    if (exec === undefined) throw new ServerError(Status.NOT_FOUND, `exec ${str(request.execId)} not found`);
    return exec;
  };
  const start = async (sandbox: FakeModalSandbox, execId: string, request: Message): Promise<void> => {
    const args = (request.commandArgs ?? []) as string[];
    if (args.length === 0) throw new ServerError(Status.INVALID_ARGUMENT, 'commandArgs is empty');
    const pty = (request.ptyInfo as Message | undefined)?.enabled === true;
    const tool = fsToolsArgv(args);
    const argv = tool ?? (pty ? ['script', '-qefc', args.map(quote).join(' '), '/dev/null'] : args);
    const timeoutSecs = num(request.timeoutSecs);
    const target = {
      root: sandbox.root,
      layout: MODAL_LAYOUT,
      network: sandbox.network,
      procDir: fake.procDir,
      backend: 'modal',
    };
    const proc = await spawnInSandbox(target, {
      argv,
      cwd: str(request.workdir) || sandbox.workdir || '/',
      env: {
        ...sandbox.env,
        ...envOfSecretSources(request.secretSources),
        ...(pty ? { TERM: str((request.ptyInfo as Message).envTerm) || 'xterm' } : {}),
      },
      stdin: 'pipe',
      ...(timeoutSecs > 0 ? { timeoutMs: timeoutSecs * 1000 } : {}),
    });
    sandbox.execs.set(
      execId,
      new FakeExec(execId, proc, {
        stdout: num(request.stdoutConfig) === CONFIG_PIPE,
        stderr: num(request.stderrConfig) === CONFIG_PIPE,
      }),
    );
  };

  const stdinResult = (outcome: 'ok' | 'gap' | 'closed'): Message => {
    if (outcome === 'gap')
      throw new ServerError(Status.OUT_OF_RANGE, 'stdin write beyond the bytes written so far');
    if (outcome === 'closed') throw new ServerError(Status.FAILED_PRECONDITION, 'stdin is closed');
    return {};
  };

  return {
    taskExecStart: async (request: Message, context: CallContext) => {
      const sandbox = await taskOf(request, context);
      const execId = str(request.execId);
      // The SDK retries a start with the same client-chosen exec id (also while the first attempt is
      // still starting, when only its connection was lost): it must not run twice.
      if (execId === '' || sandbox.execs.has(execId)) return {};
      const pending = starting.get(execId);
      if (pending !== undefined) {
        await pending;
        return {};
      }
      const started = start(sandbox, execId, request);
      starting.set(execId, started);
      try {
        await started;
      } finally {
        starting.delete(execId);
      }
      return {};
    },
    taskExecStdioRead: async function* (request: Message, context: CallContext) {
      const exec = await execOf(request, context);
      const fd = num(request.fileDescriptor);
      if (fd !== STDIO_STDOUT && fd !== STDIO_STDERR) {
        throw new ServerError(Status.INVALID_ARGUMENT, `unsupported file descriptor ${fd}`);
      }
      const log = fd === STDIO_STDOUT ? exec.stdout : exec.stderr;
      for await (const data of log.readFrom(num(request.offset), context.signal)) yield { data };
    },
    taskExecWait: async (request: Message, context: CallContext) => {
      const exec = await execOf(request, context);
      const aborted = new Promise<undefined>((resolve) =>
        context.signal.addEventListener('abort', () => resolve(undefined), { once: true }),
      );
      const exit = await Promise.race([exec.done, aborted]);
      if (exit === undefined) throw new ServerError(Status.CANCELLED, 'wait cancelled');
      return exitMessage(exit);
    },
    taskExecPoll: async (request: Message, context: CallContext) =>
      exitMessage((await execOf(request, context)).exit),
    taskExecStdinWrite: async (request: Message, context: CallContext) => {
      const exec = await execOf(request, context);
      return stdinResult(
        await exec.writeStdin(
          num(request.offset),
          (request.data as Uint8Array | undefined) ?? new Uint8Array(),
          request.eof === true,
        ),
      );
    },
    taskExecStdinStatus: async (request: Message, context: CallContext) =>
      (await execOf(request, context)).stdinStatus,
    taskExecStdinWriteStream: async (requests: AsyncIterable<Message>, context: CallContext) => {
      let exec: FakeExec | undefined;
      let offset = 0;
      for await (const message of requests) {
        const start = message.start as Message | undefined;
        if (start !== undefined) {
          exec = await execOf(start, context);
          offset = num(start.offset);
        } else if (exec === undefined) {
          throw new ServerError(Status.INVALID_ARGUMENT, 'a stdin stream must start with a start message');
        } else if (message.data !== undefined) {
          const data = message.data as Uint8Array;
          stdinResult(await exec.writeStdin(offset, data, false));
          offset += data.length;
        } else if (message.end !== undefined) {
          stdinResult(await exec.writeStdin(offset, new Uint8Array(), true));
        }
      }
      return {};
    },
    taskSnapshotFilesystem: async (request: Message, context: CallContext) => {
      const sandbox = await taskOf(request, context);
      const key = str(request.snapshotId);
      let pending = key === '' ? undefined : snapshots.get(key);
      if (pending === undefined) {
        pending = state.snapshot(sandbox).then((image) => ({ imageId: image.imageId }));
        if (key !== '') snapshots.set(key, pending);
      }
      return pending;
    },
  };
}
