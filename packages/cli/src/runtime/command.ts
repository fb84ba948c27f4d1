import { isUtf8 } from 'node:buffer';
import type { ExecResult, SandboxHandle } from '@agentkernel/core';
import { commandArgv, parseEnvPairs, timeoutMs } from '../args.js';
import { writeThrough, type OutputStream } from '../output/io.js';
import type { Connected, Runtime } from './runtime.js';
import { checkWorkdir } from './workdir.js';

/** The parts of `exec` and `run` that describe the command. */
export interface CommandFlags {
  readonly cmd?: unknown;
  readonly '--'?: unknown;
  readonly env?: readonly string[];
  readonly workdir?: string;
  readonly timeout?: number;
  readonly stdin?: boolean;
}

/** A command checked before anything is contacted, so a bad flag costs no sandbox. */
export interface PreparedCommand {
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly timeoutSeconds?: number;
  readonly stdin: boolean;
}

export function prepareCommand(flags: CommandFlags): PreparedCommand {
  const timeout = timeoutMs(flags.timeout);
  return {
    argv: commandArgv(flags),
    env: parseEnvPairs(flags.env),
    ...(flags.workdir === undefined ? {} : { cwd: flags.workdir }),
    ...(timeout === undefined ? {} : { timeoutMs: timeout, timeoutSeconds: flags.timeout }),
    stdin: flags.stdin === true,
  };
}

/**
 * What `exec`/`run` report: the exit code, and with `--json` the output itself, which then was collected
 * rather than streamed.
 */
export type CommandResult = Pick<ExecResult, 'exitCode' | 'timedOut'> & {
  readonly stdout?: Buffer;
  readonly stderr?: Buffer;
};

/** One stream of a command's output in JSON: as text when it is UTF-8, else base64, saying which. */
function outputField(bytes: Buffer): { text: string; encoding: 'utf8' | 'base64' } {
  return isUtf8(bytes)
    ? { text: bytes.toString('utf8'), encoding: 'utf8' }
    : { text: bytes.toString('base64'), encoding: 'base64' };
}

/** `exec --json` and `run --json`: `{exitCode, stdout, stdoutEncoding, stderr, stderrEncoding, timedOut}`. */
export function commandJson(result: CommandResult): Record<string, unknown> {
  const stdout = outputField(result.stdout ?? Buffer.alloc(0));
  const stderr = outputField(result.stderr ?? Buffer.alloc(0));
  return {
    exitCode: result.exitCode,
    stdout: stdout.text,
    stdoutEncoding: stdout.encoding,
    stderr: stderr.text,
    stderrEncoding: stderr.encoding,
    timedOut: result.timedOut,
  };
}

/** The exit code of a command whose reader went away, as a shell reports a writer killed by SIGPIPE. */
export const READER_GONE_EXIT = 128 + 13;

/**
 * Runs the command of `exec`/`run` in a sandbox, streaming its output to ours byte for byte (never
 * redacted or decoded: it is the user's data), and resolves with its exit code. A full pipe holds the
 * command back rather than filling memory; a reader that closes the pipe (`| head -1`) ends the command
 * with exit code 141. With `--json` the output is collected instead, for {@link commandJson}.
 */
export async function runCommand(
  rt: Runtime,
  connected: Connected,
  command: PreparedCommand,
  signal: AbortSignal,
): Promise<CommandResult> {
  if (command.cwd !== undefined) await checkWorkdir(connected, command.cwd);
  return audited(rt, connected, command.argv, () => runInSandbox(rt, connected.handle, command, signal));
}

/** Runs a command through `run` and audits it with its exit code (null when it did not end). */
export async function audited<T extends { exitCode: number }>(
  rt: Runtime,
  connected: Connected,
  argv: readonly string[],
  run: () => Promise<T>,
): Promise<T> {
  let exitCode: number | null = null;
  try {
    const result = await run();
    exitCode = result.exitCode;
    return result;
  } finally {
    await rt.audit({
      type: 'command_executed',
      sandbox: connected.record.name,
      command: argv,
      exit_code: exitCode,
    });
  }
}

async function runInSandbox(
  rt: Runtime,
  handle: SandboxHandle,
  command: PreparedCommand,
  signal: AbortSignal,
): Promise<CommandResult> {
  rt.out.debug(`exec ${JSON.stringify(command.argv)} in ${handle.ref.backend}:${handle.ref.id}`);
  let readerGone = false;
  const forward = (stream: OutputStream) => (chunk: Uint8Array) =>
    writeThrough(stream, chunk)?.catch((error: unknown) => {
      readerGone = true;
      throw error;
    });
  let result: CommandResult;
  try {
    result = await handle.exec(command.argv, {
      env: command.env,
      ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
      ...(command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs }),
      ...(command.stdin ? { stdin: process.stdin } : {}),
      ...(rt.out.json ? {} : { onStdout: forward(rt.io.stdout), onStderr: forward(rt.io.stderr) }),
      signal,
    });
  } catch (error) {
    if (!readerGone || signal.aborted) throw error;
    rt.out.debug(`the reader of the output went away: ${String(error)}`);
    return { exitCode: READER_GONE_EXIT, timedOut: false };
  }
  if (result.timedOut) {
    rt.out.warn(
      `the command was killed after the ${command.timeoutSeconds}s timeout (exit code ${result.exitCode})`,
    );
  }
  return result;
}
