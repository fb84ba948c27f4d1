import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IsolatedProcess } from '@agentkernel/core/isolation';
import { SANDBOX_HOME, spawnInSandbox } from './layout.js';

/** The 3-byte markers the daemon writes before each line of a command's stdout and stderr in its log. */
export const STDOUT_MARK = Buffer.from([1, 1, 1]);
export const STDERR_MARK = Buffer.from([2, 2, 2]);

/** Where the daemon keeps its per-command files, inside the sandbox (so the session shell sees them). */
const SESSIONS_DIR = '/tmp/.daytona/sessions';
const VALID_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const POLL_MS = 25;

export interface FakeCommand {
  readonly id: string;
  readonly command: string;
  readonly suppressInputEcho: boolean;
  exitCode: number | undefined;
  /** Host paths of the command's combined, marked log, its exit-code file and its stdin fifo. */
  readonly logPath: string;
  readonly exitPath: string;
  readonly inputPath: string;
}

// What the daemon writes into the session shell for each command (its behaviour, our own script): the
// command file is sourced with stdout and stderr through fifos whose lines are marked and appended to
// one log; stdin is a fifo (kept open for async commands so that input can be sent); the exit code is
// written once both labellers have flushed. The labellers are perl when the sandbox has it (the
// daemon's are compiled code; a shell loop would make large outputs crawl), else a shell loop.
function wrapper(dir: string, keepStdin: boolean): string {
  const holder = keepStdin ? 'while :; do sleep 3600; done > "$ak_in" &' : ': > "$ak_in" &';
  return `{
ak_d='${dir}'; ak_in="$ak_d/input.pipe"
rm -f "$ak_d/o" "$ak_d/e" "$ak_in"; mkfifo "$ak_d/o" "$ak_d/e" "$ak_in" || { echo 1 > "$ak_d/exit_code"; false; }
if command -v perl >/dev/null 2>&1; then
ak_mark() { perl -ne 'BEGIN { $| = 1; $m = chr(shift) x 3 } chomp; print $m, $_, "\\n"' "$1"; }
else
ak_mark() { while IFS= read -r ak_l || [ -n "$ak_l" ]; do printf "\\00$1\\00$1\\00$1%s\\n" "$ak_l"; done; }
fi
ak_mark 1 < "$ak_d/o" >> "$ak_d/output.log" & ak_r1=$!
ak_mark 2 < "$ak_d/e" >> "$ak_d/output.log" & ak_r2=$!
${holder}
ak_h=$!
{ . "$ak_d/cmd.sh"; } < "$ak_in" > "$ak_d/o" 2> "$ak_d/e"
ak_ec=$?
kill "$ak_h" 2>/dev/null; wait "$ak_h" 2>/dev/null
wait "$ak_r1" "$ak_r2"
echo "$ak_ec" >> "$ak_d/exit_code"
rm -f "$ak_d/o" "$ak_d/e" "$ak_in"
}
`;
}

/** One session: a long-lived shell in the sandbox, fed commands on its stdin as the daemon does. */
export class FakeSession {
  readonly commands = new Map<string, FakeCommand>();
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly id: string,
    private readonly shell: IsolatedProcess,
    private readonly hostDir: string,
    private readonly sandboxDir: string,
  ) {
    shell.stdout?.resume();
    shell.stderr?.resume();
    void shell.exited.then(() => this.finishAll());
  }

  get running(): boolean {
    return this.shell.stdin !== null && !this.shell.stdin.destroyed;
  }

  /** Starts a command; resolves with it once the shell has been given it. */
  async execute(command: string, keepStdin: boolean, suppressInputEcho: boolean): Promise<FakeCommand> {
    const id = randomUUID();
    const dir = join(this.hostDir, id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'cmd.sh'), command, { mode: 0o600 });
    await writeFile(join(dir, 'output.log'), '');
    const entry: FakeCommand = {
      id,
      command,
      suppressInputEcho,
      exitCode: undefined,
      logPath: join(dir, 'output.log'),
      exitPath: join(dir, 'exit_code'),
      inputPath: join(dir, 'input.pipe'),
    };
    this.commands.set(id, entry);
    this.shell.stdin?.write(wrapper(`${this.sandboxDir}/${id}`, keepStdin));
    this.watch();
    return entry;
  }

  /** Resolves once `command` has an exit code (or the session ended). */
  async finished(command: FakeCommand): Promise<void> {
    while (command.exitCode === undefined && this.running) {
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  /** Writes to a running command's stdin fifo, echoing it to the log as stdout unless suppressed. */
  async sendInput(command: FakeCommand, data: string): Promise<void> {
    const text = data.endsWith('\n') ? data : `${data}\n`;
    const fifo = await open(command.inputPath, 'w');
    try {
      await fifo.write(text);
    } finally {
      await fifo.close();
    }
    if (!command.suppressInputEcho) {
      await writeFile(command.logPath, Buffer.concat([STDOUT_MARK, Buffer.from(text)]), { flag: 'a' });
    }
  }

  private watch(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }

  private async poll(): Promise<void> {
    let pending = 0;
    for (const command of this.commands.values()) {
      if (command.exitCode !== undefined) continue;
      const text = await readFile(command.exitPath, 'utf8').catch(() => '');
      const code = Number.parseInt(text.trim(), 10);
      if (text.trim() !== '' && Number.isInteger(code)) command.exitCode = code;
      else pending += 1;
    }
    this.wake();
    if (pending === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  /** A command the session can no longer finish (its shell died) ends with 1, as the daemon reports it. */
  private finishAll(): void {
    for (const command of this.commands.values()) command.exitCode ??= 1;
    clearInterval(this.timer);
    this.timer = undefined;
    this.wake();
  }

  /** Kills the session's shell and everything it started, and forgets its files. */
  async close(): Promise<void> {
    this.shell.kill();
    await this.shell.exited;
    this.finishAll();
    await rm(this.hostDir, { recursive: true, force: true });
  }
}

/** The sessions of one sandbox. */
export class SessionTable {
  private readonly sessions = new Map<string, FakeSession>();

  constructor(
    private readonly root: string,
    private readonly procDir: string,
    private readonly env: () => { env: Readonly<Record<string, string>>; network: boolean },
  ) {}

  static validId(id: unknown): id is string {
    return typeof id === 'string' && VALID_ID.test(id);
  }

  get(id: string): FakeSession | undefined {
    return this.sessions.get(id);
  }

  list(): FakeSession[] {
    return [...this.sessions.values()];
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  async create(id: string): Promise<FakeSession> {
    const sandboxDir = `${SESSIONS_DIR}/${id}`;
    const hostDir = join(this.root, sandboxDir);
    await mkdir(hostDir, { recursive: true });
    const { env, network } = this.env();
    const shell = await spawnInSandbox({
      root: this.root,
      network,
      procDir: this.procDir,
      argv: ['sh'],
      cwd: SANDBOX_HOME,
      env,
      stdin: 'pipe',
    });
    const session = new FakeSession(id, shell, hostDir, sandboxDir);
    this.sessions.set(id, session);
    return session;
  }

  async delete(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (session === undefined) return false;
    this.sessions.delete(id);
    await session.close();
    return true;
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.keys()];
    await Promise.all(all.map((id) => this.delete(id)));
  }
}

/** Splits a marked log into its stdout and stderr bytes, as the daemon's demultiplexer does. */
export function demuxLog(log: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let current: Buffer[] | undefined;
  let start = 0;
  let i = 0;
  while (i + 3 <= log.length) {
    const mark = log.subarray(i, i + 3);
    const next = mark.equals(STDOUT_MARK) ? out : mark.equals(STDERR_MARK) ? err : undefined;
    if (next === undefined) {
      i += 1;
      continue;
    }
    current?.push(log.subarray(start, i));
    current = next;
    i += 3;
    start = i;
  }
  current?.push(log.subarray(start));
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}
