import type { SandboxHandle } from '@agentkernel/core';
import { audited, prepareCommand } from '../runtime/command.js';
import type { Connected, Runtime } from '../runtime/runtime.js';
import { HttpError } from './http-error.js';

/** How much of each stream a response keeps; the rest is dropped and said to be. */
export const OUTPUT_LIMIT = 16 * 1024 * 1024;

/** Collects one stream of a command, keeping the first {@link OUTPUT_LIMIT} bytes. */
export class OutputBuffer {
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #dropped = 0;

  readonly push = (chunk: Uint8Array): void => {
    const room = OUTPUT_LIMIT - this.#kept;
    if (room > 0) {
      const part = Buffer.from(chunk.subarray(0, room));
      this.#chunks.push(part);
      this.#kept += part.length;
    }
    this.#dropped += Math.max(0, chunk.length - Math.max(room, 0));
  };

  text(): string {
    const text = Buffer.concat(this.#chunks).toString('utf8');
    return this.#dropped === 0 ? text : `${text}\n[${this.#dropped} more bytes not kept]`;
  }
}

/** agentkernel's `output`: stdout, then a newline and stderr when both have something. */
export function combinedOutput(stdout: string, stderr: string): string {
  if (stdout === '') return stderr;
  return stderr === '' ? stdout : `${stdout}\n${stderr}`;
}

export interface CommandRequest {
  readonly command: readonly string[];
  readonly env?: readonly string[];
  readonly workdir?: string;
  readonly sudo?: boolean;
  /** Beyond agentkernel's API: kill the command after this many seconds. */
  readonly timeout?: number;
}

/** The JSON schema of {@link CommandRequest} (as `/exec` and detached exec take it). */
export const COMMAND_REQUEST_SCHEMA = {
  type: 'object',
  required: ['command'],
  properties: {
    command: { type: 'array', items: { type: 'string' }, minItems: 1 },
    env: { type: 'array', items: { type: 'string' } },
    workdir: { type: 'string' },
    sudo: { type: 'boolean' },
    timeout: { type: 'number', exclusiveMinimum: 0 },
  },
} as const;

/** The command checked as the CLI checks `exec`'s, with `workdir` made absolute from the workspace. */
export function preparedFrom(body: CommandRequest, workspaceDir: string) {
  // Commands never run as root here: there is no sudo to allow, so asking for it is refused (403), as
  // agentkernel refuses it when `[api] allow_sudo_exec` is off.
  if (body.sudo === true) throw new HttpError(403, 'sudo exec is not allowed on this server');
  const workdir = body.workdir;
  if (
    workdir !== undefined &&
    (workdir === '' || /[\0\r\n]/.test(workdir) || workdir.split('/').includes('..'))
  )
    throw new HttpError(400, `Invalid workdir ${JSON.stringify(workdir)}: no "..", no control characters`);
  return prepareCommand({
    cmd: body.command,
    ...(body.env === undefined ? {} : { env: body.env }),
    ...(workdir === undefined
      ? { workdir: workspaceDir }
      : { workdir: workdir.startsWith('/') ? workdir : `${workspaceDir}/${workdir}` }),
    ...(body.timeout === undefined ? {} : { timeout: body.timeout }),
  });
}

/** Runs a prepared command and keeps its output for the response. */
export async function execCollected(
  rt: Runtime,
  connected: Connected,
  command: ReturnType<typeof prepareCommand>,
  signal: AbortSignal,
  sinks: OutputSinks = {},
): Promise<{ exitCode: number; output: string; timedOut: boolean }> {
  return audited(rt, connected, command.argv, () => collect(connected.handle, command, signal, sinks));
}

interface OutputSinks {
  onStdout?: (chunk: Uint8Array) => unknown;
  onStderr?: (chunk: Uint8Array) => unknown;
}

async function collect(
  handle: SandboxHandle,
  command: ReturnType<typeof prepareCommand>,
  signal: AbortSignal,
  sinks: OutputSinks,
): Promise<{ exitCode: number; output: string; timedOut: boolean }> {
  const stdout = new OutputBuffer();
  const stderr = new OutputBuffer();
  const result = await handle.exec(command.argv, {
    env: command.env,
    ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
    ...(command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs }),
    onStdout: (chunk) => {
      stdout.push(chunk);
      return sinks.onStdout?.(chunk);
    },
    onStderr: (chunk) => {
      stderr.push(chunk);
      return sinks.onStderr?.(chunk);
    },
    signal,
  });
  return {
    exitCode: result.exitCode,
    output: combinedOutput(stdout.text(), stderr.text()),
    timedOut: result.timedOut,
  };
}

/** agentkernel's answer to a non-zero exit: 409 with the code and the output. */
export function exitError(exitCode: number, output: string): HttpError {
  return new HttpError(409, `Command exited with code ${exitCode}: ${output}`, {
    exit_code: exitCode,
    output,
  });
}
