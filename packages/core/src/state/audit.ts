import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { redact } from '../errors/redactor.js';

/**
 * What the audit log records, spelled as agentkernel's own audit log spells it (`type` in snake case,
 * the event's fields beside it), so tools reading agentkernel's entries read ours.
 */
export type AuditEvent =
  | {
      type: 'sandbox_created';
      name: string;
      image: string;
      backend: string;
      labels?: Record<string, string>;
    }
  | { type: 'sandbox_started'; name: string; profile: string | null }
  | { type: 'sandbox_stopped'; name: string }
  | { type: 'sandbox_removed'; name: string }
  | { type: 'command_executed'; sandbox: string; command: readonly string[]; exit_code: number | null }
  | { type: 'file_written'; sandbox: string; path: string }
  | { type: 'file_read'; sandbox: string; path: string }
  | { type: 'session_attached'; sandbox: string };

/** One line of the log: when, by which process and user, and the event. */
export type AuditEntry = { timestamp: string; pid: number; user: string | null } & AuditEvent;

/** Past this size the log is moved to `audit.1.jsonl` (replacing the older one) and a new one begun. */
const ROTATE_BYTES = 4 * 1024 * 1024;

/**
 * The audit log of one home: `<home>/audit.jsonl`, one JSON line an event, appended by every process
 * (a single append of a line is not interleaved with another process's). Off when `AGENTKERNEL_AUDIT` is
 * `0` or `false`, as agentkernel's is. Secrets registered with the redactor never reach it: command
 * words are redacted before they are written.
 */
export class AuditLog {
  readonly file: string;
  readonly #previous: string;
  readonly #enabled: boolean;

  constructor(home: string, env: Readonly<Record<string, string | undefined>> = process.env) {
    this.file = join(resolve(home), 'audit.jsonl');
    this.#previous = join(resolve(home), 'audit.1.jsonl');
    const setting = env.AGENTKERNEL_AUDIT?.toLowerCase();
    this.#enabled = setting !== '0' && setting !== 'false';
  }

  /** Appends one event. */
  async append(event: AuditEvent): Promise<void> {
    if (!this.#enabled) return;
    const entry = { timestamp: new Date().toISOString(), pid: process.pid, user: currentUser(), ...event };
    if (entry.type === 'command_executed') entry.command = entry.command.map(redact);
    await mkdir(join(this.file, '..'), { recursive: true });
    const size = await stat(this.file).then(
      (s) => s.size,
      () => 0,
    );
    if (size > ROTATE_BYTES) await rename(this.file, this.#previous).catch(() => undefined);
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  /**
   * The entries about the sandbox of that name, oldest first, from its latest creation on (an earlier
   * sandbox of the same name is another sandbox); with `last`, only that many of the newest.
   */
  async forSandbox(name: string, options: { last?: number } = {}): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    for (const file of [this.#previous, this.file]) {
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        const entry = parseEntry(line);
        if (entry && subjectOf(entry) === name) entries.push(entry);
      }
    }
    const created = entries.findLastIndex((entry) => entry.type === 'sandbox_created');
    const current = entries.slice(Math.max(created, 0));
    return options.last === undefined ? current : current.slice(-options.last);
  }
}

function subjectOf(entry: AuditEntry): string {
  return 'sandbox' in entry ? entry.sandbox : entry.name;
}

/** A line of the log, or undefined for a torn or foreign one (skipped, as agentkernel skips them). */
function parseEntry(line: string): AuditEntry | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value = JSON.parse(line) as Partial<AuditEntry> | null;
    if (typeof value !== 'object' || value === null) return undefined;
    if (typeof value.type !== 'string' || typeof value.timestamp !== 'string') return undefined;
    const subject =
      (value as { sandbox?: unknown; name?: unknown }).sandbox ?? (value as { name?: unknown }).name;
    return typeof subject === 'string' ? (value as AuditEntry) : undefined;
  } catch {
    return undefined;
  }
}

function currentUser(): string | null {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return null;
  }
}
