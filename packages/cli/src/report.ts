import { inspect } from 'node:util';
import { AgentkernelError, ExitCode, redact } from '@agentkernel/core';
import type { Io } from './output/io.js';

export interface ReportOptions {
  readonly debug: boolean;
  /** `--json`: the error is also printed as one JSON object on stdout, for programs. */
  readonly json?: boolean;
  /**
   * The command is `exec` or `run`, which leave every exit code to the sandbox command: their own
   * failures all exit with 125 (as `docker run` does) and the message says which kind of failure it was.
   */
  readonly runsCommand?: boolean;
}

/** The exit code of `exec` and `run` when agentkernel itself fails (DESIGN section 9). */
export const OWN_FAILURE_EXIT = 125;

const KINDS: Readonly<Record<number, string>> = {
  [ExitCode.usage]: 'usage or config error',
  [ExitCode.backend]: 'backend error',
  [ExitCode.conflict]: 'sync conflict',
  [ExitCode.notFound]: 'not found',
  [ExitCode.internal]: 'internal error',
};

/** Exit codes that are the command's, not ours: Ctrl-C ends the command as a shell would report it. */
const COMMAND_CODES: ReadonlySet<string> = new Set(['INTERRUPTED']);

/** The exit code to use, and the line saying so when 125 replaces the error's own. */
function ownFailure(
  exitCode: number,
  code: string,
  options: Pick<ReportOptions, 'runsCommand'>,
): { exitCode: number; line?: string } {
  if (options.runsCommand !== true || COMMAND_CODES.has(code)) return { exitCode };
  const kind = KINDS[exitCode] ?? 'failure';
  return {
    exitCode: OWN_FAILURE_EXIT,
    line: `exit code ${OWN_FAILURE_EXIT}: agentkernel failed (${kind}), not the command`,
  };
}

/** What `--json` prints on stdout when a command fails (DESIGN section 9). */
export interface JsonError {
  readonly error: { code: string; message: string; hint: string | null; exitCode: number };
}

function writeJsonError(io: Io, error: JsonError['error']): void {
  const body: JsonError = {
    error: {
      ...error,
      message: redact(error.message),
      hint: error.hint === null ? null : redact(error.hint),
    },
  };
  io.stdout.write(`${JSON.stringify(body)}\n`);
}

function oneLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

function causeChain(error: unknown): string[] {
  const lines: string[] = [];
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth += 1) {
    lines.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : inspect(cause)}`);
    cause = (cause as { cause?: unknown }).cause;
  }
  return lines;
}

/**
 * The text and exit code for a failure: an `AgentkernelError` prints its message and hint and exits with
 * its code; anything else is a bug in agentkernel, reported in one line and exit code 70. Stacks and
 * causes appear only with `--debug`. Everything goes through the redactor.
 */
export function describeError(error: unknown, options: ReportOptions): { exitCode: number; text: string } {
  const lines: string[] = [];
  let own: ReturnType<typeof ownFailure>;
  if (AgentkernelError.isInstance(error)) {
    own = ownFailure(error.exitCode, error.code, options);
    lines.push(error.message);
    if (error.hint) lines.push(`hint: ${error.hint}`);
  } else {
    own = ownFailure(ExitCode.internal, 'INTERNAL', options);
    const summary =
      error instanceof Error ? `${error.name}: ${oneLine(error.message)}` : oneLine(String(error));
    lines.push(`agentkernel hit an internal error; rerun with --debug and report it: ${summary}`);
  }
  const { exitCode } = own;
  if (own.line) lines.push(own.line);
  if (options.debug) {
    if (error instanceof Error && error.stack) lines.push(error.stack);
    lines.push(...causeChain(error));
  }
  return { exitCode, text: redact(lines.join('\n')) + '\n' };
}

export function reportError(error: unknown, options: ReportOptions, io: Io): number {
  const { exitCode, text } = describeError(error, options);
  io.stderr.write(text);
  if (options.json) {
    const known = AgentkernelError.isInstance(error);
    writeJsonError(io, {
      code: known ? error.code : 'INTERNAL',
      message: known ? error.message : (text.split('\n')[0] ?? ''),
      hint: known ? (error.hint ?? null) : 'rerun with --debug and report it',
      exitCode,
    });
  }
  return exitCode;
}

/** A yargs validation failure (unknown flag, missing argument): exit 2 with a pointer to the help. */
export function reportUsageError(
  error: unknown,
  commandPath: readonly string[],
  io: Io,
  options: Pick<ReportOptions, 'json' | 'runsCommand'> = {},
): number {
  const message = error instanceof Error ? error.message : String(error);
  const help = ['agentkernel', ...commandPath, '--help'].join(' ');
  const hints = [`run "${help}" for usage`];
  const { exitCode, line } = ownFailure(ExitCode.usage, 'USAGE', options);
  const lines = [
    `[agentkernel] ${message}`,
    ...hints.map((hint) => `hint: ${hint}`),
    ...(line ? [line] : []),
  ];
  io.stderr.write(redact(`${lines.join('\n')}\n`));
  if (options.json)
    writeJsonError(io, {
      code: 'USAGE',
      message: `[agentkernel] ${message}`,
      hint: hints.join('; '),
      exitCode,
    });
  return exitCode;
}
