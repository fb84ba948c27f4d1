import { stat } from 'node:fs/promises';
import type {
  DescMethodServerStreaming,
  DescMethodUnary,
  DescMethodClientStreaming,
  DescService,
} from '@bufbuild/protobuf';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import {
  AsyncQueue,
  ptyArgv,
  ptyInput,
  ptyResize,
  spawnInSandbox,
  type FakeProcess,
  type ProcessEnd,
  type ProcessOutput,
} from '@agentkernel/fake-kit';
import { sandboxOf } from './envd-context.js';
import { E2B_LAYOUT, resolveSandboxPath, SANDBOX_HOME } from './layout.js';
import type { FakeSandbox, ProcessConfig } from './state.js';

interface ProcessConfigMsg {
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  cwd?: string;
}
type Selector =
  { case: 'pid'; value: number } | { case: 'tag'; value: string } | { case: undefined; value?: undefined };
interface SelectorMsg {
  process?: { selector: Selector };
}
interface PtyMsg {
  size?: { cols: number; rows: number };
}
interface StartRequestMsg {
  process?: ProcessConfigMsg;
  pty?: PtyMsg;
  tag?: string;
  stdin?: boolean;
}
type InputMsg = { input: { case: 'stdin' | 'pty'; value: Uint8Array } | { case: undefined } };
type StreamInputMsg = {
  event:
    | { case: 'start'; value: SelectorMsg }
    | { case: 'data'; value: { input?: InputMsg } }
    | { case: 'keepalive' | undefined };
};

const SIGNAL_KILL = 9;
const SIGNAL_TERM = 15;

/** How envd (Go's `os.ProcessState`) reports an end: a process ended by a signal has exit code -1. */
function envdEnd(end: ProcessEnd): Record<string, unknown> {
  if (end.signalled)
    return { exitCode: -1, exited: false, status: 'signal: killed', error: 'signal: killed' };
  if (end.exitCode === 0) return { exitCode: 0, exited: true, status: 'exit status 0' };
  const status = `exit status ${end.exitCode}`;
  return { exitCode: end.exitCode, exited: true, status, error: status };
}

/** A PTY process's terminal output is `pty` data (its helper's own stderr stays stderr). */
function eventOf(output: ProcessOutput, pty: boolean): Record<string, unknown> {
  if (output.kind === 'end') return { event: { case: 'end', value: envdEnd(output.end) } };
  const stream = pty && output.kind === 'stdout' ? 'pty' : output.kind;
  return { event: { case: 'data', value: { output: { case: stream, value: output.data } } } };
}

/** A PTY size as envd checks it: both dimensions given and non-zero. */
function sizeOf(pty: PtyMsg | undefined): { cols: number; rows: number } {
  const size = pty?.size;
  if (size === undefined || !(size.cols > 0) || !(size.rows > 0) || size.cols > 0xffff || size.rows > 0xffff)
    throw new ConnectError('pty.size needs cols and rows from 1 to 65535', Code.InvalidArgument);
  return { cols: size.cols, rows: size.rows };
}

/** Writes input of the kind envd takes for the process: `pty` for a PTY, `stdin` otherwise. */
async function input(proc: FakeProcess<ProcessConfig>, given: InputMsg['input'] | undefined): Promise<void> {
  if (given?.case === 'pty') {
    if (proc.config.pty !== true)
      throw new ConnectError('tty not assigned to process', Code.FailedPrecondition);
    await proc.write(ptyInput(given.value));
    return;
  }
  if (given?.case !== 'stdin') throw new ConnectError('no input given', Code.InvalidArgument);
  if (proc.config.pty === true || !proc.stdinOpen)
    throw new ConnectError('stdin not enabled or closed', Code.FailedPrecondition);
  await proc.write(given.value);
}

function find(sandbox: FakeSandbox, request: SelectorMsg): FakeProcess<ProcessConfig> {
  const selector = request.process?.selector;
  const found =
    selector?.case === 'pid'
      ? sandbox.processes.find({ pid: selector.value })
      : selector?.case === 'tag'
        ? sandbox.processes.find({ tag: selector.value })
        : undefined;
  if (found === undefined) {
    const what =
      selector?.case === undefined
        ? 'no process selector given'
        : `process with ${selector.case} ${String(selector.value)} not found`;
    throw new ConnectError(what, selector?.case === undefined ? Code.InvalidArgument : Code.NotFound);
  }
  return found;
}

/**
 * Subscribes to a process's events at once (so nothing it prints is missed) and streams them as
 * `ProcessEvent`s until its end, with keepalives while it is quiet, as envd does.
 */
function follow(
  proc: FakeProcess<ProcessConfig>,
  context: HandlerContext,
): AsyncGenerator<Record<string, unknown>> {
  const queue = new AsyncQueue<ProcessOutput | 'keepalive'>();
  const ended = proc.ended;
  if (ended !== undefined) {
    queue.push({ kind: 'end', end: ended });
    queue.end();
  }
  const unsubscribe = proc.subscribe((event) => {
    queue.push(event);
    if (event.kind === 'end') queue.end();
  });
  const interval = Number(context.requestHeader.get('keepalive-ping-interval') ?? 0);
  const ticker = interval > 0 ? setInterval(() => queue.push('keepalive'), interval * 1000) : undefined;
  const onAbort = (): void => queue.end();
  context.signal.addEventListener('abort', onAbort, { once: true });
  return (async function* () {
    try {
      yield { event: { event: { case: 'start', value: { pid: proc.pid } } } };
      for await (const event of queue) {
        yield {
          event:
            event === 'keepalive'
              ? { event: { case: 'keepalive', value: {} } }
              : eventOf(event, proc.config.pty === true),
        };
      }
    } finally {
      clearInterval(ticker);
      unsubscribe();
      context.signal.removeEventListener('abort', onAbort);
    }
  })();
}

async function start(
  sandbox: FakeSandbox,
  request: StartRequestMsg,
  context: HandlerContext,
  procDir: string,
): Promise<FakeProcess<ProcessConfig>> {
  const size = request.pty === undefined ? undefined : sizeOf(request.pty);
  const config = request.process;
  if (config === undefined || config.cmd === '')
    throw new ConnectError('process.cmd is required', Code.InvalidArgument);
  const cwd = await resolveSandboxPath(sandbox.root, config.cwd ?? SANDBOX_HOME);
  const info = cwd === undefined ? undefined : await stat(cwd.hostPath).catch(() => undefined);
  if (cwd === undefined || info?.isDirectory() !== true) {
    throw new ConnectError(`cwd '${config.cwd ?? SANDBOX_HOME}' does not exist`, Code.InvalidArgument);
  }
  // envd kills a command when the request's deadline passes, but not when the client just goes away.
  const timeout = Number(context.requestHeader.get('connect-timeout-ms') ?? 0);
  const proc = await spawnInSandbox(
    {
      root: sandbox.root,
      layout: E2B_LAYOUT,
      network: sandbox.allowInternetAccess,
      procDir,
      backend: 'e2b',
      environment: sandbox.environment,
    },
    {
      // A PTY runs on a real pseudo-terminal in the sandbox (fake-kit's PTY helper).
      argv: size === undefined ? [config.cmd, ...config.args] : ptyArgv([config.cmd, ...config.args], size),
      cwd: cwd.sandboxPath,
      env: { ...sandbox.envVars, ...config.envs },
      stdin: request.stdin === false && size === undefined ? 'ignore' : 'pipe',
      timeoutMs: timeout > 0 ? timeout : undefined,
    },
  );
  return sandbox.processes.add(
    proc,
    { ...config, cwd: cwd.sandboxPath, ...(size === undefined ? {} : { pty: true }) },
    request.tag,
  );
}

/** The process's `ProcessConfig` message (whether it has a PTY is not part of it). */
function configOf({ pty: _pty, ...config }: ProcessConfig): Omit<ProcessConfig, 'pty'> {
  return config;
}

function unary(service: DescService, name: string): DescMethodUnary {
  return service.method[name] as DescMethodUnary;
}

/** Serves envd's `process.Process` service on `router`, running commands for real in the sandbox. */
export function registerProcessService(router: ConnectRouter, service: DescService, procDir: string): void {
  router.rpc(service.method.start as DescMethodServerStreaming, async function* (request, context) {
    const proc = await start(sandboxOf(context), request as unknown as StartRequestMsg, context, procDir);
    yield* follow(proc, context);
  });
  router.rpc(service.method.connect as DescMethodServerStreaming, async function* (request, context) {
    yield* follow(find(sandboxOf(context), request as unknown as SelectorMsg), context);
  });
  router.rpc(unary(service, 'list'), (_request, context) => ({
    processes: sandboxOf(context)
      .processes.list()
      .map((proc) => ({
        pid: proc.pid,
        config: configOf(proc.config),
        ...(proc.tag === undefined ? {} : { tag: proc.tag }),
      })),
  }));
  router.rpc(unary(service, 'sendInput'), async (request, context) => {
    const proc = find(sandboxOf(context), request as unknown as SelectorMsg);
    await input(proc, (request as unknown as { input?: InputMsg }).input?.input);
    return {};
  });
  router.rpc(service.method.streamInput as DescMethodClientStreaming, async (requests, context) => {
    const sandbox = sandboxOf(context);
    let proc: FakeProcess<ProcessConfig> | undefined;
    for await (const message of requests) {
      const event = (message as unknown as StreamInputMsg).event;
      if (event.case === 'start') proc = find(sandbox, event.value);
      else if (event.case === 'data') {
        if (proc === undefined)
          throw new ConnectError('stream input must start with a start event', Code.InvalidArgument);
        await input(proc, event.value.input?.input);
      }
    }
    return {};
  });
  router.rpc(unary(service, 'closeStdin'), (request, context) => {
    find(sandboxOf(context), request as unknown as SelectorMsg).closeStdin();
    return {};
  });
  router.rpc(unary(service, 'sendSignal'), (request, context) => {
    const proc = find(sandboxOf(context), request as unknown as SelectorMsg);
    const signal = (request as unknown as { signal: number }).signal;
    if (signal !== SIGNAL_KILL && signal !== SIGNAL_TERM)
      throw new ConnectError(`unsupported signal ${signal}`, Code.InvalidArgument);
    // envd signals the process it started, not its process group: what it started lives on.
    proc.killProcess();
    return {};
  });
  router.rpc(unary(service, 'update'), async (request, context) => {
    const proc = find(sandboxOf(context), request as unknown as SelectorMsg);
    const pty = (request as unknown as { pty?: PtyMsg }).pty;
    if (pty === undefined) return {};
    if (proc.config.pty !== true)
      throw new ConnectError('tty not assigned to process', Code.FailedPrecondition);
    await proc.write(ptyResize(sizeOf(pty)));
    return {};
  });
}
