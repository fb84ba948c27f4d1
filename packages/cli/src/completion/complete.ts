import yargs from 'yargs';
import { commandWord } from '../commands/group.js';
import type { CommandTree } from '../commands/index.js';
import type { CommandDef, CommandGroup, CompletionSource } from '../commands/types.js';
import { takesValueIn, type OptionTable } from '../split-command.js';
import { COMPLETION_SHELLS } from './shells.js';

/** One completion: the word, and what it is (shown by zsh and fish). */
export interface Candidate {
  readonly word: string;
  readonly description?: string;
}

/** What yargs' `getOptions()` reports, with the parts completion reads. */
export interface CompletionOptionTable extends OptionTable {
  readonly key?: Readonly<Record<string, unknown>>;
  readonly choices?: Readonly<Record<string, readonly string[]>>;
  readonly default?: Readonly<Record<string, unknown>>;
  readonly hiddenOptions?: readonly string[];
}

/** Names read from state or discovery metadata; never by importing a plugin. */
export type NameSource = (source: Exclude<CompletionSource, 'shell' | 'command'>) => Promise<string[]>;

export interface CompletionContext {
  readonly tree: CommandTree;
  readonly globals: CompletionOptionTable;
  readonly names: NameSource;
}

const isOption = (word: string): boolean => word.startsWith('-') && word !== '-';

/** Which option words take the next word as value; an option with choices does even without a type. */
function valuedIn(tables: readonly CompletionOptionTable[]): (word: string) => boolean {
  const typed = takesValueIn(...tables);
  return (word) =>
    typed(word) ||
    (!word.includes('=') && tables.some((table) => table.choices?.[keyOf(word, tables)] !== undefined));
}

function ownOptions(def: CommandDef): CompletionOptionTable {
  return (def.builder(yargs()) as unknown as { getOptions(): CompletionOptionTable }).getOptions();
}

/** The canonical key of an option word (`-B` -> `backend`). */
function keyOf(word: string, tables: readonly CompletionOptionTable[]): string {
  const name = word.replace(/^--?/, '').split('=')[0] ?? '';
  // yargs lists aliases among the keys too, so the alias table decides first.
  for (const table of tables)
    for (const [key, aliases] of Object.entries(table.alias ?? {})) if (aliases.includes(name)) return key;
  return name;
}

/** The positional names of a command (`exec [name] [cmd..]`: name, cmd), which yargs lists as keys. */
function positionalNames(def: CommandDef | undefined): Set<string> {
  const words = def?.command.split(' ').slice(1) ?? [];
  return new Set(words.map((word) => word.replace(/^[[<]|(\.\.)?[\]>]$/g, '')));
}

/** Every flag spelling of the tables: `--json`, `-q`, and `--no-sync` for booleans that default to true. */
function flags(tables: readonly CompletionOptionTable[], def: CommandDef | undefined): string[] {
  const words = new Set<string>();
  const positionals = positionalNames(def);
  for (const table of tables) {
    const hidden = new Set(table.hiddenOptions ?? []);
    for (const key of Object.keys(table.key ?? {})) {
      if (hidden.has(key) || positionals.has(key) || key === '$0' || key === '_') continue;
      for (const name of [key, ...(table.alias?.[key] ?? [])])
        words.add(name.length === 1 ? `-${name}` : `--${name}`);
      if (table.boolean?.includes(key) && table.default?.[key] === true) words.add(`--no-${key}`);
    }
  }
  return [...words].sort();
}

const named = (words: readonly string[]): Candidate[] => words.map((word) => ({ word }));

function commandCandidates(tree: CommandTree, group: CommandGroup | undefined): Candidate[] {
  const defs = group ? group.subcommands : [...tree.groups, ...tree.commands];
  return defs.map((def) => ({
    word: 'subcommands' in def ? def.name : commandWord(def),
    description: def.describe,
  }));
}

function findGroup(tree: CommandTree, word: string): CommandGroup | undefined {
  return tree.groups.find((group) => group.name === word || group.aliases?.includes(word));
}

function findCommand(defs: readonly CommandDef[], word: string): CommandDef | undefined {
  return defs.find((def) => commandWord(def) === word || def.aliases?.includes(word));
}

/** Whether the positional at `index` of `def` is the start of a sandbox command (`exec demo <cmd..>`). */
function startsUserCommand(def: CommandDef, index: number): boolean {
  const positionals = def.command.split(' ').slice(1);
  const variadic = positionals.findIndex((word) => word.endsWith('..]') || word.endsWith('..>'));
  return variadic !== -1 && index >= variadic && def.completes?.[index] === undefined;
}

async function positionalCandidates(
  source: CompletionSource,
  context: CompletionContext,
  helpWords: readonly string[],
): Promise<Candidate[]> {
  if (source === 'shell') return named(COMPLETION_SHELLS);
  if (source === 'command') {
    // `help sandbox <TAB>` offers sandbox's subcommands.
    const group = helpWords.length === 0 ? undefined : findGroup(context.tree, helpWords[0] ?? '');
    if (helpWords.length > 0 && group === undefined) return [];
    return commandCandidates(context.tree, group);
  }
  return named(await context.names(source));
}

/** bash splits `--backend=e` into `--backend`, `=`, `e`: the `=` joins the option to its value. */
function withoutEqualsWords(words: readonly string[]): string[] {
  const joined: string[] = [];
  for (const word of words) {
    if (word === '=' && joined.at(-1)?.startsWith('--') === true) continue;
    joined.push(word);
  }
  return joined;
}

/**
 * The completions of the last word of `words` (the words after `agentkernel`, the one under the cursor
 * last, possibly empty): commands, flags, option values and names, filtered by what is typed.
 */
export async function complete(typed: readonly string[], context: CompletionContext): Promise<Candidate[]> {
  const words = withoutEqualsWords(typed);
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let group: CommandGroup | undefined;
  let def: CommandDef | undefined;
  let tables: CompletionOptionTable[] = [context.globals];
  let takesValue = valuedIn(tables);
  const positionals: string[] = [];
  let previousWantsValue: string | undefined;
  for (let index = 0; index < before.length; index += 1) {
    const word = before[index] ?? '';
    previousWantsValue = undefined;
    // After `--`, or once a sandbox command has started, words are that command's: complete files.
    if (word === '--') return [];
    if (isOption(word)) {
      if (!takesValue(word)) continue;
      if (index === before.length - 1) previousWantsValue = word;
      index += 1;
      continue;
    }
    if (def === undefined) {
      if (group === undefined) {
        group = findGroup(context.tree, word);
        if (group !== undefined) continue;
      }
      def = findCommand(group ? group.subcommands : context.tree.commands, word);
      if (def === undefined) return [];
      tables = [context.globals, ownOptions(def)];
      takesValue = valuedIn(tables);
      continue;
    }
    if (startsUserCommand(def, positionals.length)) return [];
    positionals.push(word);
  }
  const position = { group, def, tables, positionals };
  // `--backend=e` (one word in zsh and fish) completes to `--backend=e2b`.
  const inline = /^(--[^=]+)=(.*)$/.exec(current);
  if (inline?.[1] !== undefined && takesValue(inline[1])) {
    const values = await candidatesAt(inline[2] ?? '', inline[1], position, context);
    return values
      .filter((candidate) => candidate.word.startsWith(inline[2] ?? ''))
      .map((candidate) => ({ ...candidate, word: `${inline[1]}=${candidate.word}` }));
  }
  const found = await candidatesAt(current, previousWantsValue, position, context);
  return found.filter((candidate) => candidate.word.startsWith(current));
}

interface Position {
  readonly group: CommandGroup | undefined;
  readonly def: CommandDef | undefined;
  readonly tables: readonly CompletionOptionTable[];
  readonly positionals: readonly string[];
}

async function candidatesAt(
  current: string,
  optionWord: string | undefined,
  { group, def, tables, positionals }: Position,
  context: CompletionContext,
): Promise<Candidate[]> {
  if (optionWord !== undefined) {
    const key = keyOf(optionWord, tables);
    const choices = tables.map((table) => table.choices?.[key]).find((found) => found !== undefined);
    if (choices) return named(choices);
    return key === 'backend' ? named(await context.names('backend')) : [];
  }
  if (current.startsWith('-')) return named(flags(tables, def));
  if (def === undefined) return commandCandidates(context.tree, group);
  if (startsUserCommand(def, positionals.length)) return [];
  const source = def.completes?.[positionals.length];
  return source === undefined ? [] : positionalCandidates(source, context, positionals);
}
