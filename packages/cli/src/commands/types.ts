import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { Io } from '../output/io.js';
import type { IsolationMode } from '@agentkernel/core';

/** The flags every command accepts. */
export interface GlobalArgs {
  readonly config?: string;
  readonly backend?: string;
  /** `--isolation`: the user's own choice for the local backend, over every config file. */
  readonly isolation?: IsolationMode;
  readonly json: boolean;
  readonly debug: boolean;
  readonly quiet: boolean;
}

/**
 * A command's implementation. It lives in its own module under `handlers/`, imported only when the
 * command runs, so `--help` never loads backends, config parsers or archive code. It returns the exit
 * code (0 when it returns nothing) and throws `AgentkernelError`s for failures.
 */
export type Handler = (args: GlobalArgs & Record<string, unknown>, io: Io) => Promise<number | void>;

/** What yargs calls when a command matches. */
export type YargsHandler = (args: ArgumentsCamelCase) => void | Promise<void>;

/** Turns a handler module name into a yargs handler that imports and runs it. */
export type LazyHandler = (name: HandlerName) => YargsHandler;

/**
 * What shell completion offers for a positional word: names from state (`sandbox`, `snapshot`), backend
 * names from discovery metadata, the shells `completion` writes for, or command words (`help`).
 */
export type CompletionSource = 'sandbox' | 'snapshot' | 'backend' | 'shell' | 'command';

/** Declares a command: its yargs shape, and a handler that imports its implementation when it runs. */
export interface CommandDef {
  readonly command: string;
  readonly aliases?: readonly string[];
  readonly describe: string;
  readonly builder: (yargs: Argv) => Argv;
  readonly handler: YargsHandler;
  /** What completion offers for each positional, in order; a positional not listed completes file names. */
  readonly completes?: readonly CompletionSource[];
}

export type HandlerName =
  | 'sandbox-create'
  | 'sandbox-list'
  | 'sandbox-info'
  | 'sandbox-start'
  | 'sandbox-stop'
  | 'sandbox-remove'
  | 'sandbox-cp'
  | 'sandbox-exec-list'
  | 'sandbox-exec-logs'
  | 'sandbox-exec-kill'
  | 'sandbox-extend-ttl'
  | 'sandbox-gc'
  | 'exec'
  | 'attach'
  | 'run'
  | 'plugins-list'
  | 'plugins-info'
  | 'config-show'
  | 'config-validate'
  | 'doctor'
  | 'version'
  | 'sync'
  | 'snapshot-take'
  | 'snapshot-list'
  | 'snapshot-restore'
  | 'snapshot-delete'
  | 'serve'
  | 'completion';

/** A command with subcommands (`sandbox`, `plugins` ...): it only dispatches. */
export interface CommandGroup {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly describe: string;
  readonly subcommands: readonly CommandDef[];
}
