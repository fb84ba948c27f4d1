import type { Io } from '../output/io.js';
import { complete, type CompletionContext } from './complete.js';
import { stateNames } from './names.js';

/** `agentkernel __complete <words...>`: one `word<TAB>description` line per candidate; always exit 0. */
export async function printCompletions(
  words: readonly string[],
  context: Omit<CompletionContext, 'names'>,
  io: Io,
): Promise<number> {
  const candidates = await complete(words, { ...context, names: stateNames(io) });
  const lines = candidates.map(({ word, description }) =>
    description === undefined ? word : `${word}\t${description.replace(/\s+/g, ' ')}`,
  );
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
