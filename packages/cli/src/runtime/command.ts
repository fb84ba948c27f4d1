import type { ExecResult, SandboxHandle } from '@agentkernel/core';
import { commandArgv, parseEnvPairs, timeoutMs } from '../args.js';
import type { Runtime } from './runtime.js';

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
 * Runs the command of `exec`/`run` in a sandbox, streaming its output to ours byte for byte (never
 * redacted or decoded: it is the user's data), and resolves with its result.
 */
export async function runCommand(
  rt: Runtime,
  handle: SandboxHandle,
  command: PreparedCommand,
  signal: AbortSignal,
): Promise<ExecResult> {
  rt.out.debug(`exec ${JSON.stringify(command.argv)} in ${handle.ref.backend}:${handle.ref.id}`);
  const result = await handle.exec(command.argv, {
    env: command.env,
    ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
    ...(command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs }),
    ...(command.stdin ? { stdin: process.stdin } : {}),
    onStdout: (chunk) => rt.io.stdout.write(chunk),
    onStderr: (chunk) => rt.io.stderr.write(chunk),
    signal,
  });
  if (result.timedOut) {
    rt.out.warn(
      `the command was killed after the ${command.timeoutSeconds}s timeout (exit code ${result.exitCode})`,
    );
  }
  return result;
}
