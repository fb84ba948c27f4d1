import type { ExecOptions, ExecResult, SandboxHandle } from '@agentkernel/core';
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

/**
 * Runs the command of `exec`/`run` in a sandbox, streaming its output to ours byte for byte (never
 * redacted or decoded: it is the user's data), and resolves with its result.
 */
export async function runCommand(rt: Runtime, handle: SandboxHandle, flags: CommandFlags, signal: AbortSignal): Promise<ExecResult> {
  const argv = commandArgv(flags);
  const timeout = timeoutMs(flags.timeout);
  const options: ExecOptions = {
    env: parseEnvPairs(flags.env),
    ...(flags.workdir === undefined ? {} : { cwd: flags.workdir }),
    ...(timeout === undefined ? {} : { timeoutMs: timeout }),
    ...(flags.stdin ? { stdin: process.stdin } : {}),
    onStdout: (chunk) => rt.io.stdout.write(chunk),
    onStderr: (chunk) => rt.io.stderr.write(chunk),
    signal,
  };
  rt.out.debug(`exec ${JSON.stringify(argv)} in ${handle.ref.backend}:${handle.ref.id}`);
  const result = await handle.exec(argv, options);
  if (result.timedOut) rt.out.warn(`the command was killed after the ${flags.timeout}s timeout (exit code ${result.exitCode})`);
  return result;
}
