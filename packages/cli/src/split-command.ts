/** What yargs' `getOptions()` reports about declared options, the parts that say which take a value. */
export interface OptionTable {
  readonly string?: readonly string[];
  readonly number?: readonly string[];
  readonly array?: readonly string[];
  readonly boolean?: readonly string[];
  readonly count?: readonly string[];
  readonly alias?: Readonly<Record<string, readonly string[]>>;
}

/** Says whether an option word (`-e`, `--workdir`) takes the next word as its value. */
export type TakesValue = (word: string) => boolean;

export function takesValueIn(...tables: readonly OptionTable[]): TakesValue {
  const valued = new Set<string>();
  const flags = new Set<string>();
  for (const table of tables) {
    const names = (keys: readonly string[] | undefined) =>
      (keys ?? []).flatMap((key) => [key, ...(table.alias?.[key] ?? [])]);
    for (const name of [...names(table.boolean), ...names(table.count)]) flags.add(name);
    for (const name of [...names(table.string), ...names(table.number), ...names(table.array)]) {
      if (!flags.has(name)) valued.add(name);
    }
  }
  return (word) => {
    if (word.includes('=') || word.startsWith('--no-')) return false;
    if (word.startsWith('--')) return valued.has(word.slice(2));
    // `-eK=V` carries its value; `-qi` is a cluster of flags, of which only the last could take one.
    return word.length === 2 && valued.has(word.slice(1));
  };
}

const isOption = (word: string): boolean => word.startsWith('-') && word !== '-';

/** The index of the first word that is not an option or an option's value, from `start`. */
function firstWord(argv: readonly string[], start: number, takesValue: TakesValue): number {
  let index = start;
  while (index < argv.length) {
    const word = argv[index] ?? '';
    if (word === '--' || !isOption(word)) return index;
    index += takesValue(word) ? 2 : 1;
  }
  return index;
}

/** How to find where the command starts in the arguments of `exec`, `run` and `attach`. */
export interface CommandShape {
  /** Positional words of ours before the command (`exec <name>`: 1). */
  readonly positionals: number;
  /** Says which of the command's own options take a value; global options included. */
  readonly takesValue: TakesValue;
}

/**
 * The word that names our command (`exec`), after any global options, and where it is; undefined when
 * there is none.
 */
export function commandWordAt(
  argv: readonly string[],
  globalTakesValue: TakesValue,
): { word: string; index: number } | undefined {
  const index = firstWord(argv, 0, globalTakesValue);
  const word = argv[index];
  return word === undefined || word === '--' ? undefined : { word, index };
}

/**
 * Puts `--` before the first word of the sandbox's command, so our options stop there: in
 * `agentkernel run python3 -c "print(1)"` the `-c` belongs to python3, not to us. `commandIndex` is
 * where our command word (`run`) is. Arguments that already have a `--` there come back unchanged.
 */
export function separateCommand(
  argv: readonly string[],
  commandIndex: number,
  shape: CommandShape,
): string[] {
  let index = commandIndex + 1;
  for (let seen = 0; ; seen += 1) {
    index = firstWord(argv, index, shape.takesValue);
    if (index >= argv.length || argv[index] === '--') return [...argv];
    if (seen === shape.positionals) break;
    index += 1;
  }
  return [...argv.slice(0, index), '--', ...argv.slice(index)];
}
