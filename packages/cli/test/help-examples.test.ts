import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { commandWord } from '../src/commands/group.js';
import { commandTree } from '../src/commands/index.js';
import type { CommandDef } from '../src/commands/types.js';
import { main } from '../src/main.js';
import { captureIo } from './capture.js';

/** The example commands a definition declares, as help shows them. */
function examplesOf(def: CommandDef): string[] {
  const found: string[] = [];
  const recorder = yargs();
  Object.assign(recorder, {
    example: (command: string) => {
      found.push(command.replaceAll('$0', 'agentkernel'));
      return recorder;
    },
  });
  def.builder(recorder);
  return found;
}

const tree = commandTree(() => () => undefined);
const commands: { words: string[]; def: CommandDef }[] = [
  ...tree.commands.map((def) => ({ words: [commandWord(def)], def })),
  ...tree.groups.flatMap((group) =>
    group.subcommands.map((def) => ({ words: [group.name, commandWord(def)], def })),
  ),
]
  // `help X` is `X --help`, so `help --help` is the top-level help.
  .filter(({ words }) => words[0] !== 'help')
  .filter(({ def }) => examplesOf(def).length > 0);

async function helpOf(words: readonly string[], columns: number): Promise<string> {
  const capture = captureIo();
  const io = { ...capture.io, stdout: { ...capture.io.stdout, columns } };
  expect(await main([...words, '--help'], { io })).toBe(0);
  return capture.stdout();
}

describe('help examples', () => {
  it('cover most commands', () => {
    expect(commands.length).toBeGreaterThan(20);
  });

  // Down to the standard 80 columns; a command longer than the terminal wraps whatever the layout.
  it.each([100, 80])('never wrap inside a command at %i columns', async (columns) => {
    for (const { words, def } of commands) {
      const lines = (await helpOf(words, columns)).split('\n');
      for (const example of examplesOf(def)) {
        const line = lines.find((candidate) => candidate.trimStart().startsWith(example));
        expect(line, `${words.join(' ')} --help at ${columns} columns: ${example}`).toBeDefined();
      }
    }
  });

  it('keep the two-column layout when every command fits, and say each description', async () => {
    expect(await helpOf(['sandbox', 'info'], 100)).toContain(
      '  agentkernel sandbox info demo --json  everything recorded about demo, as JSON\n',
    );
    const exec = await helpOf(['exec'], 100);
    expect(exec).toContain(
      '  # a server that keeps running; prints its id\n  agentkernel exec -d demo -- python3 -m http.server 3000\n',
    );
  });
});
