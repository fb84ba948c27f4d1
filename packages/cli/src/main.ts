import yargs, { type Argv } from 'yargs';
import { commandTree, yargsCommands, type CommandTree } from './commands/index.js';
import { commandWord, toYargs } from './commands/group.js';
import { COMPLETE_COMMAND } from './completion/shells.js';
import { loadHandler } from './load-handler.js';
import type { GlobalArgs, Handler, HandlerName, LazyHandler } from './commands/types.js';
import { processIo, type Io } from './output/io.js';
import { commandWordAt, separateCommand, takesValueIn, type OptionTable } from './split-command.js';
import { missingAgentkernelCommands, unknownCommand } from './unknown-command.js';
import { cliVersion } from './version.js';

export interface MainOptions {
  readonly io?: Io;
  /** Replaces the handler loader; tests use it to inspect parsed arguments. */
  readonly loadHandler?: (name: HandlerName) => Promise<Handler>;
}

type Outcome = { readonly code: number } | { readonly error: unknown };

function buildParser(io: Io, tree: CommandTree): Argv {
  const wrap = Math.min(110, io.stdout.columns ?? 100);
  const parser = yargs()
    .scriptName('agentkernel')
    .usage('$0 <command> [options]\n\nRun AI-agent sandboxes on this machine (local) or on hosted providers.')
    // One value per flag (`-e A=1 demo` leaves demo alone); repeat a flag for several.
    .parserConfiguration({ 'populate--': true, 'parse-positional-numbers': false, 'greedy-arrays': false })
    .option('config', {
      alias: 'c',
      type: 'string',
      requiresArg: true,
      global: true,
      describe: 'use this agentkernel.toml instead of searching upward',
    })
    .option('backend', {
      alias: 'B',
      type: 'string',
      requiresArg: true,
      global: true,
      describe: 'backend for new sandboxes (default: config, else local)',
    })
    .option('isolation', {
      type: 'string',
      choices: ['bubblewrap', 'none'],
      requiresArg: true,
      global: true,
      describe:
        'how the local backend isolates commands; only you can choose "none" (here or in ~/.config/agentkernel/config.toml), never a project file',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      global: true,
      describe: 'print machine-readable JSON',
    })
    .option('debug', {
      type: 'boolean',
      default: false,
      global: true,
      describe: 'print debug logs and stack traces',
    })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      default: false,
      global: true,
      describe: 'print only results and errors',
    })
    .group(['config', 'backend', 'isolation', 'json', 'debug', 'quiet', 'help', 'version'], 'Global options:')
    .command(yargsCommands(tree, wrap).map((def) => toYargs(def, wrap)))
    .demandCommand(1, 'name a command; see agentkernel --help')
    .strict()
    .help()
    .alias('help', 'h')
    .version(cliVersion())
    .alias('version', 'V')
    .epilog(
      `${missingNote(tree)}\n\n` +
        "Exit codes: exec and run exit with the command's own code, and 125 when agentkernel itself fails (usage, config, backend, sync conflict, not found); other commands: 0 ok, 2 usage or config, 3 backend, 4 sync conflict, 5 not found, 70 internal error.",
    )
    .wrap(wrap)
    .fail(false)
    .exitProcess(false);
  return parser;
}

/** What `--help` says about agentkernel's commands that this tool does not have. */
function missingNote(tree: CommandTree): string {
  const { top, sandbox } = missingAgentkernelCommands(tree);
  const words = [...top, ...sandbox.map((word) => `sandbox ${word}`)];
  return `Not available in this tool (agentkernel has them): ${words.join(', ')}.`;
}

/** The command words at the start of `argv` (`sandbox create`), for the usage hint of an error. */
export function commandPath(argv: readonly string[], tree: CommandTree): string[] {
  const [first, second] = argv.filter((word) => !word.startsWith('-'));
  const group = tree.groups.find(
    (candidate) => candidate.name === first || candidate.aliases?.includes(first ?? ''),
  );
  if (group) {
    const sub = group.subcommands.find(
      (def) => commandWord(def) === second || def.aliases?.includes(second ?? ''),
    );
    return sub ? [group.name, commandWord(sub)] : [group.name];
  }
  const command = tree.commands.find((def) => commandWord(def) === first);
  return command ? [commandWord(command)] : [];
}

/** The options a parser declares; yargs has `getOptions()` but its types do not show it. */
function optionsOf(parser: Argv): OptionTable {
  return (parser as unknown as { getOptions(): OptionTable }).getOptions();
}

/** The commands that run a command of the user's, and how many of our positional words come first. */
const COMMAND_RUNNERS: Readonly<Record<string, number>> = { exec: 1, attach: 1, run: 0 };

/**
 * `argv` with a `--` before the sandbox command's first word when it has none, so that our options
 * stop there whether or not the user wrote `--` (yargs alone would read `python3 -c` as our `-c`).
 */
function withCommandSeparated(
  argv: readonly string[],
  parser: Argv,
  tree: CommandTree,
): { words: string[]; command: string | undefined } {
  const globals = optionsOf(parser);
  const at = commandWordAt(argv, takesValueIn(globals));
  const positionals = at && Object.hasOwn(COMMAND_RUNNERS, at.word) ? COMMAND_RUNNERS[at.word] : undefined;
  const def = tree.commands.find((candidate) => commandWord(candidate) === at?.word);
  if (!at || positionals === undefined || !def) return { words: [...argv], command: at?.word };
  const own = optionsOf(def.builder(yargs()));
  const takesValue = takesValueIn(globals, own);
  return { words: separateCommand(argv, at.index, { positionals, takesValue }), command: at.word };
}

/** `help sandbox create` is `sandbox create --help`. */
function helpAsFlag(argv: readonly string[], parser: Argv): string[] {
  const at = commandWordAt(argv, takesValueIn(optionsOf(parser)));
  if (at?.word !== 'help') return [...argv];
  return [...argv.slice(0, at.index), ...argv.slice(at.index + 1), '--help'];
}

/** The first two command words (`sandbox create`), skipping global options and their values. */
function commandWords(argv: readonly string[], parser: Argv): string[] {
  const takesValue = takesValueIn(optionsOf(parser));
  const first = commandWordAt(argv, takesValue);
  if (first === undefined) return [];
  const second = commandWordAt(argv.slice(first.index + 1), takesValue);
  return second === undefined ? [first.word] : [first.word, second.word];
}

/** Whether a global flag is given before `--` (after it, words belong to the sandbox's command). */
function hasFlag(argv: readonly string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes(flag);
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves with the exit code. Never throws:
 * every failure is reported on stderr (and, with `--json`, as one JSON object on stdout), through the
 * redactor.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  const load = options.loadHandler ?? loadHandler;
  let outcome: Outcome | undefined;
  const lazy: LazyHandler = (name) => async (args) => {
    try {
      const handler = await load(name);
      outcome = { code: (await handler(args as unknown as GlobalArgs & Record<string, unknown>, io)) ?? 0 };
    } catch (error) {
      outcome = { error };
    }
  };
  const tree = commandTree(lazy);
  const parser = buildParser(io, tree);
  if (argv[0] === COMPLETE_COMMAND) {
    const { printCompletions } = await import('./completion/print.js');
    return printCompletions(argv.slice(1), { tree, globals: optionsOf(parser) }, io);
  }
  const { words, command } = withCommandSeparated(helpAsFlag(argv, parser), parser, tree);
  const unknown = unknownCommand(tree, commandWords(words, parser));
  if (unknown) {
    const [{ reportError }, { UsageError }] = await Promise.all([
      import('./report.js'),
      import('@agentkernel/core'),
    ]);
    const error = new UsageError(unknown.message, { hint: unknown.hint });
    return reportError(error, { debug: false, json: hasFlag(words, '--json') }, io);
  }
  // `exec` and `run` leave every exit code to the sandbox's command; their own failures exit 125.
  const runsCommand = command === 'exec' || command === 'run';
  try {
    await parser.parse(words, {}, (_error, _args, output) => {
      if (output) io.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    });
  } catch (error) {
    const { reportUsageError } = await import('./report.js');
    return reportUsageError(error, commandPath(words, tree), io, {
      json: hasFlag(words, '--json'),
      runsCommand,
    });
  }
  if (outcome && 'error' in outcome) {
    const { reportError } = await import('./report.js');
    return reportError(
      outcome.error,
      { debug: hasFlag(words, '--debug'), json: hasFlag(words, '--json'), runsCommand },
      io,
    );
  }
  return outcome?.code ?? 0;
}
