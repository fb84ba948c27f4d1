import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IsolatedProcess } from '@agentkernel/core/isolation';
import { SANDBOX_HOME, spawnInSandbox } from './layout.js';
import type { FakeSandbox } from './state.js';

/** Where the fake records running commands, and the sandbox a request is about. */
export interface SandboxContext {
  readonly sandbox: FakeSandbox;
  readonly procDir: string;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly timedOut: boolean;
}

async function collect(stream: Readable | null): Promise<Buffer> {
  if (stream === null) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface RunOptions {
  readonly stdin?: Readable;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Starts a command in the sandbox with its environment, as its user, from its home by default. */
function spawnFor(
  context: SandboxContext,
  argv: readonly string[],
  options: RunOptions,
): Promise<IsolatedProcess> {
  const { sandbox, procDir } = context;
  return spawnInSandbox({
    root: sandbox.root,
    network: !sandbox.networkBlockAll,
    procDir,
    argv,
    cwd: options.cwd ?? SANDBOX_HOME,
    env: { ...sandbox.env, ...options.env },
    stdin: options.stdin === undefined ? 'ignore' : 'pipe',
    timeoutMs: options.timeoutMs,
  });
}

/** Runs a command to completion in the sandbox (as its user, from its home), optionally feeding stdin. */
export async function runInSandbox(
  context: SandboxContext,
  argv: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const child = await spawnFor(context, argv, options);
  const feeding =
    options.stdin === undefined || child.stdin === null
      ? Promise.resolve()
      : pipeline(options.stdin, child.stdin).catch(() => undefined);
  const [stdout, stderr, exit] = await Promise.all([
    collect(child.stdout),
    collect(child.stderr),
    child.exited,
    feeding,
  ]);
  return { exitCode: exit.exitCode, stdout, stderr, timedOut: exit.timedOut };
}

/** Starts a command in the sandbox and hands back its stdout stream once the command ended well or failed. */
export async function streamFromSandbox(
  context: SandboxContext,
  argv: readonly string[],
): Promise<{ stdout: Readable; exited: Promise<number> }> {
  const child = await spawnFor(context, argv, {});
  child.stderr?.resume();
  if (child.stdout === null) throw new Error('no stdout');
  void once(child.stdout, 'end').catch(() => undefined);
  return { stdout: child.stdout, exited: child.exited.then((exit) => exit.exitCode) };
}
