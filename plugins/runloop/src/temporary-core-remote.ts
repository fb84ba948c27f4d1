// TEMPORARY: a copy of kit's packages/core/src/remote (not yet on main), so this plugin builds before it
// lands. Replaced by imports from @agentkernel/core as soon as it does; nothing Runloop-specific here.
/* eslint-disable */
import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BackendError,
  NotFoundError,
  UsageError,
  type ConfigSchema,
  type ExecOptions,
  type ExecResult,
  type SandboxHandle,
} from '@agentkernel/core';
const TEMP_PREFIX = '.agentkernel-tmp-';
/**
 * How a failed provider call bears on retrying it:
 * - `rejected`: the provider refused the request without acting on it (429, 503), so any call may be
 *   sent again;
 * - `ambiguous`: it may or may not have acted (another 5xx, a dropped connection, a request timeout), so
 *   only a call that is harmless to repeat is sent again;
 * - `final`: retrying cannot help (a 4xx, a bug, a missing sandbox).
 */
export type Transience = 'rejected' | 'ambiguous' | 'final';

/** A failure's {@link Transience}, and how long the provider asked to wait (`Retry-After`), if it did. */
export interface Classification {
  readonly transience: Transience;
  readonly retryAfterMs?: number;
}

/**
 * A provider's reading of its own SDK's errors: a {@link Transience} (or a full {@link Classification})
 * for the errors it recognises, `undefined` to fall back on {@link classifyTransport}.
 */
export type ErrorClassifier = (error: unknown) => Transience | Classification | undefined;

// undici, Node's net module and fetch word dropped connections in many ways, in message or code.
const DROPPED =
  /fetch failed|terminated|other side closed|socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR|network error|aborted by the server/i;

/** The error and its causes, outermost first (bounded: a cause chain may loop). */
export function causeChain(error: unknown): Error[] {
  const out: Error[] = [];
  for (let current = error; current instanceof Error && out.length < 8; current = current.cause)
    out.push(current);
  return out;
}

type Headerish = Headers | Readonly<Record<string, unknown>> | undefined;

function numberField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The HTTP status an SDK error carries as `status`, `statusCode` or `response.status`, if any. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  return numberField(fields.statusCode) ?? numberField(fields.status) ?? numberField(fields.response?.status);
}

function header(headers: Headerish, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

/**
 * Parses a `Retry-After` value (delay-seconds or an HTTP date) into milliseconds from `now`;
 * undefined when it is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The `Retry-After` an SDK error carries in `headers` or `response.headers`, in milliseconds. */
export function retryAfterOf(error: unknown): number | undefined {
  for (const current of causeChain(error)) {
    const fields = current as { headers?: Headerish; response?: { headers?: Headerish } };
    const value = header(fields.headers, 'retry-after') ?? header(fields.response?.headers, 'retry-after');
    const parsed = parseRetryAfter(value);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

/** The transience of an HTTP status: 429 and 503 were refused, other 5xx are ambiguous, the rest final. */
export function statusTransience(status: number): Transience {
  if (status === 429 || status === 503) return 'rejected';
  if (status >= 500 && status !== 501 && status !== 505) return 'ambiguous';
  if (status === 408) return 'ambiguous';
  return 'final';
}

/**
 * Classifies a failure as any HTTP client reports it, whatever the provider: an HTTP status on the error
 * (see {@link httpStatusOf}), a request timeout (a `TimeoutError` DOMException, as `AbortSignal.timeout`
 * raises), or a dropped connection anywhere in the cause chain. Everything else is `final`.
 */
export function classifyTransport(error: unknown): Transience {
  const errors = causeChain(error);
  const first = errors[0];
  if (first === undefined) return 'final';
  const status = httpStatusOf(first);
  if (status !== undefined) return statusTransience(status);
  if (first instanceof DOMException && first.name === 'TimeoutError') return 'ambiguous';
  const codes = errors.map((e) => (e as { code?: unknown }).code).filter((code) => typeof code === 'string');
  if (errors.some((e) => DROPPED.test(e.message)) || codes.some((code) => DROPPED.test(code)))
    return 'ambiguous';
  return 'final';
}

/** Classifies with the provider's classifier first, then generically; `Retry-After` is read either way. */
export function classify(error: unknown, classifier?: ErrorClassifier): Classification {
  const own = classifier?.(error);
  const found: Classification =
    own === undefined
      ? { transience: classifyTransport(error) }
      : typeof own === 'string'
        ? { transience: own }
        : own;
  if (found.retryAfterMs !== undefined) return found;
  const retryAfterMs = retryAfterOf(error);
  return retryAfterMs === undefined ? found : { ...found, retryAfterMs };
}

/** How often and how patiently failed provider calls are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt (`[remote.<name>] max_retries`). */
  readonly retries: number;
  /** The first retry's delay ceiling; each further retry doubles it. */
  readonly baseDelayMs: number;
  /** The largest backoff delay. */
  readonly maxDelayMs: number;
  /** The longest `Retry-After` honoured; a provider asking for more fails the call instead of stalling it. */
  readonly maxRetryAfterMs?: number;
}

/** The delays every remote backend uses unless it has a reason not to. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * How a call may be repeated after a transient failure:
 * - `idempotent`: after any transient failure (reads, deletes, "set to" writes of a byte buffer);
 * - `refused-only`: only when the provider refused it without acting (429, 503), e.g. starting a
 *   command, which must never run twice;
 * - `once`: never, e.g. an upload whose body is a stream that has been consumed.
 */
export type Replay = 'idempotent' | 'refused-only' | 'once';

export interface RetryOptions<T> {
  readonly policy: RetryPolicy;
  readonly replay: Replay;
  /** The provider's reading of its SDK's errors; transport failures are classified generically anyway. */
  readonly classify?: ErrorClassifier;
  /**
   * Called before repeating a call after an ambiguous failure: a result other than `undefined` ends the
   * retries with it (e.g. the sandbox a lost create response had made, found by its creation token).
   * Given one, a `refused-only` call is also repeated after an ambiguous failure, once recover found
   * nothing.
   */
  readonly recover?: (error: unknown) => Promise<T | undefined>;
  /** Aborting during a delay rejects with the signal's reason; aborted before a retry, the last failure is rethrown. */
  readonly signal?: AbortSignal;
  /** Told about each retry before its delay, for debug logging. `attempt` is the one about to start (2 = first retry). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Replaces `Math.random` in the jitter (tests). */
  readonly random?: () => number;
}

/** Exponential backoff with "equal jitter": half of the capped delay is fixed, half random. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function isRetryable(found: Classification, options: RetryOptions<unknown>): boolean {
  if (options.replay === 'once') return false;
  if (found.transience === 'rejected') return true;
  if (found.transience !== 'ambiguous') return false;
  return options.replay === 'idempotent' || options.recover !== undefined;
}

/** The delay before the next attempt: the provider's `Retry-After` when it gave one, else the backoff. */
function delayOf(found: Classification, policy: RetryPolicy, attempt: number, random?: () => number): number {
  const backoff = backoffDelay(policy, attempt, random);
  return found.retryAfterMs === undefined ? backoff : Math.max(found.retryAfterMs, 0);
}

/**
 * Runs `operation`, retrying transient failures as `options` allow; the last failure is rethrown as is
 * (the caller turns it into an agentkernel error). A `Retry-After` longer than the policy's
 * `maxRetryAfterMs` ends the retries at once.
 */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const { policy, signal } = options;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const found = classify(error, options.classify);
      if (!isRetryable(found, options) || attempt >= policy.retries || signal?.aborted === true) throw error;
      const limit = policy.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs ?? 0;
      if (found.retryAfterMs !== undefined && found.retryAfterMs > limit) throw error;
      const delayMs = delayOf(found, policy, attempt, options.random);
      options.onRetry?.(error, attempt + 2, delayMs);
      try {
        await sleep(delayMs, undefined, signal === undefined ? undefined : { signal });
      } catch (aborted) {
        throw (signal as AbortSignal | undefined)?.aborted === true ? signal?.reason : aborted;
      }
      if (found.transience === 'ambiguous' && options.recover !== undefined) {
        const recovered = await options.recover(error);
        if (recovered !== undefined) return recovered;
      }
    }
  }
}

/** A retry policy and classifier bound together, with debug logging of each retry. */
export interface Retrier {
  readonly policy: RetryPolicy;
  readonly classify: ErrorClassifier | undefined;
  /**
   * Runs `operation` under the policy. `action` says what it does ("reading /workspace/a"), for the
   * debug line each retry logs.
   */
  run<T>(
    action: string,
    replay: Replay,
    operation: () => Promise<T>,
    extra?: Pick<RetryOptions<T>, 'recover' | 'signal'>,
  ): Promise<T>;
}

export interface RetrierOptions {
  /** The backend name, prefixed to debug lines. */
  readonly backend: string;
  readonly policy: RetryPolicy;
  readonly classify?: ErrorClassifier;
  /** Where retries are reported (a backend's `context.logger`). */
  readonly logger?: { debug(message: string): void };
}

/** Binds a policy, a provider classifier and a logger into a {@link Retrier}. */
export function createRetrier(options: RetrierOptions): Retrier {
  const { backend, policy, logger } = options;
  return {
    policy,
    classify: options.classify,
    run: (action, replay, operation, extra = {}) =>
      withRetry(operation, {
        policy,
        replay,
        ...(options.classify === undefined ? {} : { classify: options.classify }),
        ...extra,
        onRetry: (error, attempt, delayMs) =>
          logger?.debug(
            `${backend}: ${action}: attempt ${attempt} in ${delayMs} ms after: ${(error as Error).message}`,
          ),
      }),
  };
}

/** The default of `request_timeout_ms`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * The `[remote.<name>]` keys every remote backend shares for its requests, to spread into a plugin's
 * `configSchema`: `max_retries` (retries of rate-limited, failed or dropped requests) and
 * `request_timeout_ms` (how long one request may take to be answered). Read them with
 * {@link requestSettings}.
 */
export const REQUEST_CONFIG_SCHEMA = {
  max_retries: {
    type: 'number',
    description: 'retries of rate-limited, failed (5xx) or dropped requests',
    default: DEFAULT_RETRY_POLICY.retries,
  },
  request_timeout_ms: {
    type: 'number',
    description: 'timeout of each request to the provider, in milliseconds',
    default: DEFAULT_REQUEST_TIMEOUT_MS,
  },
} as const satisfies ConfigSchema;

/** What {@link requestSettings} resolves. */
export interface RequestSettings {
  readonly retry: RetryPolicy;
  readonly requestTimeoutMs: number;
}

function integer(
  config: Readonly<Record<string, unknown>>,
  backend: string,
  key: keyof typeof REQUEST_CONFIG_SCHEMA,
  min: number,
): number {
  const value = config[key] ?? REQUEST_CONFIG_SCHEMA[key].default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UsageError(
      `[remote.${backend}] ${key} must be an integer of at least ${min}, not ${JSON.stringify(value)}`,
      { backend },
    );
  }
  return value;
}

/**
 * Reads `max_retries` and `request_timeout_ms` from an opened backend's config (`context.config`, where
 * core has applied the schema's defaults) into a retry policy and a request timeout.
 */
export function requestSettings(
  config: Readonly<Record<string, unknown>>,
  backend: string,
  policy: Omit<RetryPolicy, 'retries'> = DEFAULT_RETRY_POLICY,
): RequestSettings {
  return {
    retry: { ...policy, retries: integer(config, backend, 'max_retries', 0) },
    requestTimeoutMs: integer(config, backend, 'request_timeout_ms', 1),
  };
}
/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

// Command APIs such as E2B's commands.run hand output to callbacks as UTF-8-decoded strings, which
// would corrupt binary output.
// So the command's stdout and stderr are read in the sandbox, one read() at a time (so output still
// streams), and sent as base64 lines: "=<base64>". Lines starting with "#" carry control messages:
// "#pid <n>" is the process group to kill on abort, "#error <text>" a failure of the wrapper itself.
// Any other line (a login profile's noise, bash's job notices) is not the command's output.
// perl (in every Debian-based image, E2B's included) encodes each read as it comes; without perl a
// shell loop of dd and base64 does the same, more slowly.
// The command runs under coreutils' `timeout`, which leads its own process group and, with SIGKILL,
// kills that whole group when the time is up.
const WRAPPER = String.raw`
if perl -MMIME::Base64 -e 1 >/dev/null 2>&1; then
enc() { perl -MMIME::Base64 -e 'binmode STDIN; $| = 1; while (sysread(STDIN, my $b, 65536)) { print "=", encode_base64($b, ""), "\n" }'; }
else
enc() { while c=$(dd bs=32768 count=1 2>/dev/null | base64 -w0) && [ -n "$c" ]; do printf '=%s\n' "$c"; done; }
fi
d=$(mktemp -d 2>/dev/null) && mkfifo "$d/o" "$d/e" || { printf '#error cannot create a temporary directory with fifos under %s\n' "\${TMPDIR:-/tmp}" >&2; exit 125; }
if ! cd -- "$AK_CWD" 2>"$d/c"; then enc <"$d/c" >&2; rm -rf "$d"; exit 1; fi
if command -v timeout >/dev/null 2>&1; then set -- timeout -s KILL "$AK_TIMEOUT" "$@"; fi
"$@" <&0 >"$d/o" 2>"$d/e" &
p=$!
printf '#pid %s\n' "$p" >&2
enc <"$d/o" & o=$!
enc <"$d/e" >&2 & e=$!
wait "$p" 2>/dev/null; s=$?
wait "$o" "$e"
rm -rf "$d"
exit "$s"
`;

/**
 * The shell script that runs `argv` in `cwd` (with an optional timeout) through a command API that
 * hands output back as text; decode what it prints with {@link WrapperDecoder}. It needs a POSIX sh,
 * `mkfifo`, `mktemp`, and perl or `dd` + `base64` (busybox has both).
 */
export function wrapperScript(argv: readonly string[], cwd: string, timeoutMs: number | undefined): string {
  const seconds = timeoutMs === undefined ? '0' : (Math.max(timeoutMs, 1) / 1000).toFixed(3);
  return [
    `set -- ${argv.map(shellQuote).join(' ')}`,
    `AK_CWD=${shellQuote(cwd)}`,
    `AK_TIMEOUT=${seconds}`,
    WRAPPER,
  ].join('\n');
}

type Stream = 'stdout' | 'stderr';

/** Turns the wrapper's base64 lines back into the command's exact output bytes, chunk by chunk. */
export class WrapperDecoder {
  readonly stdout: Buffer[] = [];
  readonly stderr: Buffer[] = [];
  groupPid: number | undefined;
  wrapperError: string | undefined;
  callbackError: { error: unknown } | undefined;
  private readonly pending: Record<Stream, string> = { stdout: '', stderr: '' };

  constructor(
    private readonly onStdout?: (chunk: Uint8Array) => void,
    private readonly onStderr?: (chunk: Uint8Array) => void,
  ) {}

  feed(stream: Stream, text: string): void {
    const lines = (this.pending[stream] + text).split('\n');
    this.pending[stream] = lines.pop() ?? '';
    for (const line of lines) this.line(stream, line);
  }

  /** Handles what is left after the last newline (the wrapper always ends lines, so normally nothing). */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.pending[stream];
      this.pending[stream] = '';
      if (rest !== '') this.line(stream, rest);
    }
  }

  private line(stream: Stream, line: string): void {
    if (line.startsWith('=')) {
      const chunk = Buffer.from(line.slice(1), 'base64');
      const handler = stream === 'stdout' ? this.onStdout : this.onStderr;
      // A handled stream is not kept as well (the contract's OutputHandler).
      if (handler === undefined) this[stream].push(chunk);
      try {
        handler?.(chunk);
      } catch (error) {
        this.callbackError ??= { error };
      }
      return;
    }
    if (stream !== 'stderr') return;
    const pid = /^#pid (\d+)$/.exec(line);
    if (pid !== null) this.groupPid = Number(pid[1]);
    else if (line.startsWith('#error ')) this.wrapperError = line.slice('#error '.length);
  }
}

/** How much of `stdin` one `sendStdin` call carries. */
export const STDIN_CHUNK_BYTES = 256 * 1024;
/** How long after its own timeout a command may run before we stop waiting for the sandbox to kill it. */
const TIMEOUT_GRACE_MS = 15_000;
/** The exit code of a command ended by SIGKILL (128 + 9), as a local shell reports it. */
export const SIGKILL_EXIT_CODE = 137;

/** One command started through a provider's text command API (see {@link TextCommandApi}). */
export interface TextCommand {
  /**
   * Resolves with the command's exit code once it ended, or `'signalled'` when a signal ended it (a
   * provider that reports a signal as exit code -1, as envd does, maps it).
   */
  wait(): Promise<number | 'signalled'>;
  sendStdin(chunk: Uint8Array): Promise<void>;
  closeStdin(): Promise<void>;
  /** Ends the command's own process (the wrapper shell). Never rejects for a command that already ended. */
  kill(): Promise<void>;
  /** Stops receiving the command's output, without ending it. */
  disconnect?(): void;
}

/**
 * What a provider whose command API hands output back as decoded text must offer so that
 * {@link execOverText} can run commands byte-exactly on it.
 */
export interface TextCommandApi {
  /**
   * Starts `script` with a POSIX shell (bash -c, sh -c, ...) in the background, calling `onStdout` /
   * `onStderr` with each piece of output text as it arrives; resolves once the command started. The
   * provider applies its own retry rules: a start that may have reached the sandbox is never repeated.
   */
  start(
    script: string,
    io: {
      readonly env?: Readonly<Record<string, string>>;
      /** Whether the command's stdin must be kept open for {@link TextCommand.sendStdin}. */
      readonly stdin: boolean;
      readonly onStdout: (text: string) => void;
      readonly onStderr: (text: string) => void;
    },
  ): Promise<TextCommand>;
  /** Runs a short shell command to completion, ignoring its output (used to kill a process group). */
  run(script: string): Promise<void>;
}

/** Where a command runs, for messages. */
export interface TextExecTarget {
  readonly backend: string;
  readonly sandboxId: string;
}

async function* chunksOf(input: Uint8Array | Readable): AsyncGenerator<Uint8Array> {
  const sources: AsyncIterable<Uint8Array> | Uint8Array[] = input instanceof Uint8Array ? [input] : input;
  for await (const source of sources) {
    const bytes = typeof source === 'string' ? Buffer.from(source) : source;
    for (let offset = 0; offset < bytes.length; offset += STDIN_CHUNK_BYTES)
      yield bytes.subarray(offset, offset + STDIN_CHUNK_BYTES);
  }
}

async function feedStdin(command: TextCommand, input: Uint8Array | Readable): Promise<void> {
  try {
    for await (const chunk of chunksOf(input)) await command.sendStdin(chunk);
    await command.closeStdin();
  } catch {
    // A command may end without reading all of its input (like EPIPE locally): not an error of ours.
  }
}

/** Kills the command's whole process group (the wrapper reported it), then the wrapper itself. */
async function killCommand(
  api: TextCommandApi,
  command: TextCommand,
  decoder: WrapperDecoder,
): Promise<void> {
  const group = decoder.groupPid;
  if (group !== undefined)
    await api.run(`kill -KILL -- -${group} ${group} 2>/dev/null; true`).catch(() => undefined);
  await command.kill().catch(() => undefined);
}

interface Outcome {
  readonly exitCode: number;
  readonly timedOut: boolean;
}

/**
 * Runs `argv` byte-exactly on a command API that hands output back as text: the command runs under the
 * wrapper of {@link wrapperScript}, stdin is sent in chunks of {@link STDIN_CHUNK_BYTES}, the timeout is
 * enforced in the sandbox (with a backstop here), aborting kills the command's process group and
 * rejects with the signal's reason, and a command ended by a signal exits {@link SIGKILL_EXIT_CODE}.
 * A non-zero exit is a result; a failure of the wrapper itself or of an output callback is a
 * `BackendError`. Errors of the provider's API are rethrown as they are, for the provider to map.
 */
export async function execOverText(
  api: TextCommandApi,
  argv: readonly string[],
  options: ExecOptions & { readonly cwd: string },
  target: TextExecTarget,
): Promise<ExecResult> {
  const decoder = new WrapperDecoder(options.onStdout, options.onStderr);
  const started = performance.now();
  const command = await api.start(wrapperScript(argv, options.cwd, options.timeoutMs), {
    ...(options.env === undefined ? {} : { env: options.env }),
    stdin: options.stdin !== undefined,
    onStdout: (text) => decoder.feed('stdout', text),
    onStderr: (text) => decoder.feed('stderr', text),
  });
  if (options.stdin !== undefined) void feedStdin(command, options.stdin);
  let backstop: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<Outcome>((resolve, reject) => {
    if (options.timeoutMs !== undefined) {
      backstop = setTimeout(() => {
        void killCommand(api, command, decoder);
        resolve({ exitCode: SIGKILL_EXIT_CODE, timedOut: true });
      }, options.timeoutMs + TIMEOUT_GRACE_MS);
    }
    const signal = options.signal;
    if (signal !== undefined) {
      onAbort = () => {
        void killCommand(api, command, decoder).finally(() => command.disconnect?.());
        reject(signal.reason as Error);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  let outcome: Outcome;
  try {
    outcome = await Promise.race([
      command.wait().then((code) => {
        const exitCode = code === 'signalled' ? SIGKILL_EXIT_CODE : code;
        const elapsed = performance.now() - started;
        return {
          exitCode,
          timedOut:
            options.timeoutMs !== undefined && exitCode === SIGKILL_EXIT_CODE && elapsed >= options.timeoutMs,
        };
      }),
      stopped,
    ]);
  } finally {
    clearTimeout(backstop);
    if (onAbort !== undefined) options.signal?.removeEventListener('abort', onAbort);
  }
  decoder.flush();
  const program = JSON.stringify(argv[0]);
  if (decoder.wrapperError !== undefined) {
    throw new BackendError(
      target.backend,
      `could not run ${program} in sandbox ${target.sandboxId}: ${decoder.wrapperError}`,
    );
  }
  if (decoder.callbackError !== undefined) {
    const { error } = decoder.callbackError;
    throw new BackendError(target.backend, `an output callback of ${program} failed: ${String(error)}`, {
      cause: error,
    });
  }
  return {
    exitCode: outcome.exitCode,
    stdout: Buffer.concat(decoder.stdout),
    stderr: Buffer.concat(decoder.stderr),
    durationMs: performance.now() - started,
    timedOut: outcome.timedOut,
  };
}

/** The exit codes of the archive scripts run in a sandbox. */
export const ARCHIVE_EXIT = {
  /** The directory, or one of the requested entries, does not exist (its name is on stderr). */
  missing: 44,
  /** The directory cannot be entered. */
  noDirectory: 90,
  /** GNU tar's "a file changed as we read it" (a live workspace): the archive is still usable. */
  tarWarning: 1,
} as const;

// The archive's name is relative to `$1`; `dir` may itself be relative to the workspace (the exec cwd).
const EXTRACT_SCRIPT = `cd "$1" || exit ${ARCHIVE_EXIT.noDirectory}; tar -xzf "$2"; status=$?; rm -f "$2"; exit $status`;

// $1 directory, $2 archive to write, $3... the entries (every entry of the directory when none are
// given, dot files included). POSIX sh and busybox-safe: names are passed as tar arguments after `--`
// (none is taken for an option), and an empty list writes an archive of only end blocks, which GNU and
// busybox tar both refuse to create.
const PACK_SCRIPT = String.raw`
cd -- "$1" 2>/dev/null || { printf 'missing: .\n' >&2; exit ${ARCHIVE_EXIT.missing}; }
out=$2; shift 2
for p in "$@"; do [ -e "$p" ] || [ -L "$p" ] || { printf 'missing: %s\n' "$p" >&2; exit ${ARCHIVE_EXIT.missing}; }; done
if [ $# -eq 0 ]; then
  for p in * .[!.]* ..?*; do if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; fi; done
fi
if [ $# -eq 0 ]; then dd if=/dev/zero bs=10240 count=1 2>/dev/null | gzip -c >"$out"; exit $?; fi
exec tar -czf "$out" -- "$@"
`;

/**
 * Checks one entry name given to `getArchive(dir, paths)`: relative to `dir` and inside it. Returns the
 * name normalised (no trailing slash); a bad one is a `UsageError` naming it.
 */
export function checkArchiveEntry(dir: string, path: string, backend: string): string {
  const name = posix.normalize(path).replace(/\/+$/, '');
  if (posix.isAbsolute(name) || name === '' || name === '.' || name === '..' || name.startsWith('../')) {
    throw new UsageError(`archive path "${path}" must be relative to "${dir}" and inside it`, { backend });
  }
  return name;
}

/**
 * The generic `putArchive` for backends without a native upload (DESIGN.md section 3): the archive is
 * written with `writeFile` (streamed) to a temporary file inside `dir` itself (the one place every
 * backend lets us write; its name is ignored by sync), unpacked there with `tar -xzf` (GNU or
 * busybox), and removed.
 */
export async function putArchiveViaExec(
  handle: SandboxHandle,
  dir: string,
  archive: Readable,
): Promise<void> {
  const name = `${TEMP_PREFIX}put-${randomUUID()}.tar.gz`;
  const temp = posix.join(dir, name);
  try {
    await handle.writeFile(temp, archive, { mode: 0o600 });
  } catch (error) {
    await handle.removeFile(temp).catch(() => undefined);
    throw error;
  }
  const result = await handle.exec(['sh', '-c', EXTRACT_SCRIPT, 'agentkernel-put', dir, name]);
  if (result.exitCode !== 0) {
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(
      handle.ref.backend,
      `tar -x into ${dir} failed with exit code ${result.exitCode}${detail ? `: ${detail}` : ''}`,
    );
  }
}

/** How {@link getArchiveViaExec} reads the packed archive back; `readFile` (buffered) when absent. */
export type OpenSandboxFile = (path: string) => Promise<Readable>;

/**
 * The generic `getArchive` for backends without a native download of a folder: `paths` of `dir`
 * (everything in it when absent) are packed with one `tar -czf` in the sandbox into a temporary file,
 * which is then read back as a stream (with `open`, e.g. a streaming download) and removed once the
 * stream is closed. A missing `dir` or entry is a `NotFoundError` naming it.
 */
export async function getArchiveViaExec(
  handle: SandboxHandle,
  dir: string,
  paths?: readonly string[],
  open?: OpenSandboxFile,
): Promise<Readable> {
  const { backend } = handle.ref;
  const names = paths?.map((path) => checkArchiveEntry(dir, path, backend)) ?? [];
  if (paths !== undefined && names.length === 0) {
    throw new UsageError(`getArchive of "${dir}" was given an empty list of paths`, { backend });
  }
  const temp = `/tmp/${TEMP_PREFIX}get-${randomUUID()}.tar.gz`;
  const result = await handle.exec(['sh', '-c', PACK_SCRIPT, 'agentkernel-get', dir, temp, ...names], {
    cwd: '/',
  });
  if (result.exitCode === ARCHIVE_EXIT.missing) {
    const missing = result.stderr
      .toString('utf8')
      .trim()
      .replace(/^missing: /, '');
    const what = missing === '.' ? `directory ${dir}` : `"${missing}" in ${dir}`;
    throw new NotFoundError(`no ${what} in sandbox ${handle.ref.id}`, { backend });
  }
  const remove = (): Promise<void> => handle.removeFile(temp).catch(() => undefined);
  if (result.exitCode !== 0 && result.exitCode !== ARCHIVE_EXIT.tarWarning) {
    await remove();
    const detail = result.stderr.toString('utf8').trim();
    throw new BackendError(
      backend,
      `tar -c of ${dir} in sandbox ${handle.ref.id} failed with exit code ${result.exitCode}: ${detail}`,
    );
  }
  let stream: Readable;
  try {
    stream = open === undefined ? Readable.from([await handle.readFile(temp)]) : await open(temp);
  } catch (error) {
    await remove();
    throw error;
  }
  stream.once('close', () => void remove());
  return stream;
}
