import {
  AGENTKERNEL_SANDBOX,
  AGENTKERNEL_TOP_LEVEL,
  DESTRUCTIVE,
  RENAMED,
} from './commands/agentkernel-only.js';
import { commandWord } from './commands/group.js';
import type { CommandTree } from './commands/index.js';

/** Words yargs itself answers at the top level, beside the command tree. */
const BUILT_IN: readonly string[] = ['help', 'version'];

/** What to say about a command word we do not have. */
export interface UnknownCommand {
  readonly message: string;
  readonly hint: string;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest command to a mistyped word, never a destructive one (a typo must not lead to rm). */
function closest(word: string, known: readonly string[]): string | undefined {
  const scored = known
    .filter((candidate) => !DESTRUCTIVE.has(candidate))
    .map((candidate) => ({ candidate, score: distance(word, candidate) }))
    .filter(({ score }) => score <= Math.min(2, Math.floor(word.length / 2)))
    .sort((a, b) => a.score - b.score);
  return scored[0]?.candidate;
}

/** The words of one level of the tree, with their aliases. */
export function levelWords(tree: CommandTree, group?: string): string[] {
  if (group === undefined) {
    return [
      ...tree.groups.flatMap((g) => [g.name, ...(g.aliases ?? [])]),
      ...tree.commands.flatMap((def) => [commandWord(def), ...(def.aliases ?? [])]),
      ...BUILT_IN,
    ];
  }
  const found = tree.groups.find((g) => g.name === group || g.aliases?.includes(group));
  return (found?.subcommands ?? []).flatMap((def) => [commandWord(def), ...(def.aliases ?? [])]);
}

/** agentkernel's commands that this tool lacks, for `--help` and for the error naming one. */
export function missingAgentkernelCommands(tree: CommandTree): { top: string[]; sandbox: string[] } {
  const top = new Set(levelWords(tree));
  const sandbox = new Set(levelWords(tree, 'sandbox'));
  return {
    top: AGENTKERNEL_TOP_LEVEL.filter((word) => !top.has(word)),
    sandbox: AGENTKERNEL_SANDBOX.filter((word) => !sandbox.has(word)),
  };
}

/**
 * Says what is wrong with `words` (the first two command words) when the first, or the subcommand of a
 * group, is not a command of ours: agentkernel's spelling of one we have, one of agentkernel's commands
 * this tool lacks, or a typo with the nearest harmless command. Undefined when the words are ours.
 */
export function unknownCommand(tree: CommandTree, words: readonly string[]): UnknownCommand | undefined {
  const [first, second] = words;
  if (first === undefined) return undefined;
  const top = levelWords(tree);
  const group = tree.groups.find((g) => g.name === first || g.aliases?.includes(first));
  if (top.includes(first)) {
    if (group === undefined || second === undefined) return undefined;
    const known = levelWords(tree, group.name);
    if (known.includes(second)) return undefined;
    return describe(`${group.name} ${second}`, second, known, `${group.name} `, tree);
  }
  return describe(first, first, top, '', tree);
}

function describe(
  asked: string,
  word: string,
  known: readonly string[],
  prefix: string,
  tree: CommandTree,
): UnknownCommand {
  const help = `agentkernel ${prefix}--help`;
  const renamed = RENAMED[asked];
  if (renamed !== undefined) {
    return {
      message: `"agentkernel ${asked}" is "agentkernel ${renamed}" in this tool`,
      hint: `run: agentkernel ${renamed} (see agentkernel ${renamed} --help)`,
    };
  }
  const missing = missingAgentkernelCommands(tree);
  if ((prefix === '' ? missing.top : prefix === 'sandbox ' ? missing.sandbox : []).includes(word)) {
    return {
      message: `"agentkernel ${asked}" is an agentkernel command that is not available in this tool`,
      hint: `see what this tool has: ${help}`,
    };
  }
  const suggestion = closest(word, known);
  return {
    message: `unknown command "${asked}"`,
    hint: suggestion ? `did you mean: agentkernel ${prefix}${suggestion}?` : `see the commands: ${help}`,
  };
}
