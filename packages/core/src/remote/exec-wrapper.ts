import type { OutputHandler } from '../contract/backend.js';
import { deliverOutput } from '../contract/output.js';

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
// POSIX shells other than bash give a background command /dev/null as stdin before its own redirections,
// so the wrapper's stdin is passed on through fd 3.
// The command leads a process group of its own (setsid, when the sandbox has it: busybox's `timeout`
// makes none), so that an abort kills it with everything it started: the wrapper writes the group's
// pid into its temporary folder, named after the exec's id, where the kill finds it and which the
// kill removes too, since the wrapper is killed before it can. Under coreutils' `timeout` with
// SIGKILL, the whole group also dies when the time is up.
/**
 * The shell line that makes the command in `"$@"` the leader of a session and process group of its
 * own when started in the background (`"$@" &`), where the sandbox has `setsid` (util-linux, busybox):
 * then `kill -9 -PGID` ends it with everything it started. Without `setsid` it is left as it is.
 */
export const GROUP_LEADER = 'if command -v setsid >/dev/null 2>&1; then set -- setsid "$@"; fi';

/** The prefix of an exec wrapper's temporary folder (under the sandbox's TMPDIR, /tmp by default). */
const TEMP_PREFIX = 'agentkernel-exec-';

/**
 * The shell command that finds the wrapper of exec `id` by its temporary folder, SIGKILLs the
 * command's process group (whose pid the wrapper wrote there, and its leader, should it have left the
 * group) and removes the folder; it never fails. It needs nothing the wrapper printed, so it works
 * even when the provider hands output back only at the end. `tmpdir` is the TMPDIR the command was
 * given, when it was given one. `kill -9 -PGID PID`, not `kill -KILL -- ...`: dash and busybox take no `--`.
 */
export function killByIdScript(id: string, tmpdir?: string): string {
  const base = tmpdir === undefined ? `"${TMP}"` : shellQuote(tmpdir);
  return [
    `for d in ${base}/${TEMP_PREFIX}${id}.*; do`,
    '[ -d "$d" ] || continue;',
    'p=$(cat "$d/pid" 2>/dev/null);',
    '[ -n "$p" ] && kill -9 -"$p" "$p" 2>/dev/null;',
    'rm -rf -- "$d";',
    'done; true',
  ].join(' ');
}

/** The sandbox's temporary folder, as the wrapper's shell expands it. */
const TMP = '${TMPDIR:-/tmp}';

const WRAPPER = String.raw`
if perl -MMIME::Base64 -e 1 >/dev/null 2>&1; then
enc() { perl -MMIME::Base64 -e 'binmode STDIN; $| = 1; while (sysread(STDIN, my $b, 65536)) { print "=", encode_base64($b, ""), "\n" }'; }
else
enc() { while c=$(dd bs=32768 count=1 2>/dev/null | base64 -w0) && [ -n "$c" ]; do printf '=%s\n' "$c"; done; }
fi
d=$(mktemp -d "${TMP}/${TEMP_PREFIX}$AK_ID.XXXXXX" 2>/dev/null) && mkfifo "$d/o" "$d/e" || { printf '#error cannot create a temporary directory with fifos under %s\n' "${TMP}" >&2; exit 125; }
if ! cd -- "$AK_CWD" 2>"$d/c"; then enc <"$d/c" >&2; rm -rf "$d"; exit 1; fi
if command -v timeout >/dev/null 2>&1; then set -- timeout -s KILL "$AK_TIMEOUT" "$@"; fi
${GROUP_LEADER}
exec 3<&0
"$@" <&3 3<&- >"$d/o" 2>"$d/e" &
p=$!
printf '%s\n' "$p" >"$d/pid"
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
export function wrapperScript(
  argv: readonly string[],
  cwd: string,
  timeoutMs: number | undefined,
  id: string,
): string {
  if (!/^[A-Za-z0-9]+$/.test(id))
    throw new Error(`an exec id is letters and digits, not ${JSON.stringify(id)}`);
  const seconds = timeoutMs === undefined ? '0' : (Math.max(timeoutMs, 1) / 1000).toFixed(3);
  return [
    `set -- ${argv.map(shellQuote).join(' ')}`,
    `AK_CWD=${shellQuote(cwd)}`,
    `AK_TIMEOUT=${seconds}`,
    `AK_ID=${id}`,
    WRAPPER,
  ].join('\n');
}

type Stream = 'stdout' | 'stderr';

/**
 * Turns the wrapper's base64 lines back into the command's exact output bytes, chunk by chunk. A stream
 * with a handler goes to it and is not kept; `feed` then returns a promise while the handler is busy,
 * which the SDK awaits before reading on (backpressure). After a handler fails, output is dropped.
 */
export class WrapperDecoder {
  readonly stdout: Buffer[] = [];
  readonly stderr: Buffer[] = [];
  groupPid: number | undefined;
  wrapperError: string | undefined;
  callbackError: { error: unknown } | undefined;
  /** Resolves when a handler has failed, so the caller can stop the command. */
  readonly failed: Promise<void>;
  private readonly pending: Record<Stream, string> = { stdout: '', stderr: '' };
  private markFailed!: () => void;

  constructor(
    private readonly onStdout?: OutputHandler,
    private readonly onStderr?: OutputHandler,
  ) {
    this.failed = new Promise((resolve) => (this.markFailed = resolve));
  }

  feed(stream: Stream, text: string): Promise<void> | undefined {
    const lines = (this.pending[stream] + text).split('\n');
    this.pending[stream] = lines.pop() ?? '';
    return this.lines(stream, lines, 0);
  }

  /** Handles what is left after the last newline (the wrapper always ends lines, so normally nothing). */
  flush(): Promise<void> | undefined {
    const waiting: Promise<void>[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.pending[stream];
      this.pending[stream] = '';
      const busy = rest === '' ? undefined : this.line(stream, rest);
      if (busy !== undefined) waiting.push(busy);
    }
    return waiting.length === 0 ? undefined : Promise.all(waiting).then(() => undefined);
  }

  private lines(stream: Stream, lines: readonly string[], from: number): Promise<void> | undefined {
    for (let index = from; index < lines.length; index += 1) {
      const waiting = this.line(stream, lines[index] ?? '');
      if (waiting !== undefined) return waiting.then(() => this.lines(stream, lines, index + 1));
    }
    return undefined;
  }

  private fail(error: unknown): void {
    this.callbackError ??= { error };
    this.markFailed();
  }

  private line(stream: Stream, line: string): Promise<void> | undefined {
    if (line.startsWith('=')) {
      if (this.callbackError !== undefined) return undefined;
      const chunk = Buffer.from(line.slice(1), 'base64');
      const handler = stream === 'stdout' ? this.onStdout : this.onStderr;
      if (handler === undefined) {
        this[stream].push(chunk);
        return undefined;
      }
      return deliverOutput(handler, chunk)?.catch((error: unknown) => this.fail(error));
    }
    if (stream !== 'stderr') return undefined;
    const pid = /^#pid (\d+)$/.exec(line);
    if (pid !== null) this.groupPid = Number(pid[1]);
    else if (line.startsWith('#error ')) this.wrapperError = line.slice('#error '.length);
    return undefined;
  }
}
