import { redact, redactValue } from '@agentkernel/core';
import type { GlobalArgs } from '../commands/types.js';
import { colorsFor, type Io } from './io.js';
import { formatPairs, formatTable, type Column } from './table.js';

/**
 * What a command prints. Data (tables, JSON, values asked for) goes to stdout; progress, notices and
 * warnings go to stderr, so `agentkernel ... --json | jq` always sees clean JSON. Everything is redacted.
 */
export class Output {
  readonly io: Io;
  readonly json: boolean;
  readonly #quiet: boolean;
  readonly #debug: boolean;
  readonly colors: ReturnType<typeof colorsFor>;
  readonly #errColors: ReturnType<typeof colorsFor>;

  constructor(io: Io, args: Pick<GlobalArgs, 'json' | 'quiet' | 'debug'>) {
    this.io = io;
    this.json = args.json;
    this.#quiet = args.quiet;
    this.#debug = args.debug;
    this.colors = colorsFor(io.stdout, io.env);
    this.#errColors = colorsFor(io.stderr, io.env);
  }

  /** Prints a value as indented JSON, with every string redacted. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(redactValue(value), null, 2)}\n`);
  }

  /** Prints a line of data. */
  line(text: string): void {
    this.io.stdout.write(`${redact(text)}\n`);
  }

  table<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): void {
    this.io.stdout.write(redact(formatTable(rows, columns, (text) => this.colors.bold(text))));
  }

  pairs(pairs: readonly (readonly [string, string])[]): void {
    this.io.stdout.write(redact(formatPairs(pairs, (text) => this.colors.bold(text))));
  }

  /** A notice for people (`created sandbox demo`); hidden by --quiet and --json. */
  info(text: string): void {
    if (this.#quiet || this.json) return;
    this.io.stderr.write(`${redact(text)}\n`);
  }

  warn(text: string): void {
    if (this.#quiet) return;
    this.io.stderr.write(`${this.#errColors.yellow('warning:')} ${redact(text)}\n`);
  }

  /** A problem the command reports and goes on (`config validate` issues); never hidden. */
  error(text: string): void {
    this.io.stderr.write(`${this.#errColors.red('error:')} ${redact(text)}\n`);
  }

  debug(text: string): void {
    if (this.#debug) this.io.stderr.write(`${this.#errColors.dim(`debug: ${redact(text)}`)}\n`);
  }

  /** The `Logger` handed to backends. */
  logger(): { debug(message: string): void; info(message: string): void; warn(message: string): void } {
    return { debug: (m) => this.debug(m), info: (m) => this.info(m), warn: (m) => this.warn(m) };
  }
}
