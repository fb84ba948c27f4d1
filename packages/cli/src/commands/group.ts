import type { CommandModule } from 'yargs';
import { withExampleLayout } from './examples.js';
import type { CommandDef, CommandGroup } from './types.js';

/** The first word of a yargs command string: `create [name]` -> `create`. */
export function commandWord(def: Pick<CommandDef, 'command'>): string {
  return def.command.split(' ')[0] ?? def.command;
}

/** Makes a yargs command of a group that requires one of its subcommands; `wrap` is the help width. */
export function groupCommand(group: CommandGroup, wrap: number): CommandDef {
  const words = group.subcommands.map(commandWord);
  return {
    command: group.name,
    ...(group.aliases ? { aliases: group.aliases } : {}),
    describe: group.describe,
    builder: (yargs) => {
      for (const command of group.subcommands) yargs.command(toYargs(command, wrap));
      return yargs.demandCommand(1, `name a ${group.name} command: ${words.join(', ')}`);
    },
    handler: () => undefined,
  };
}

/** The yargs form of a command definition, its examples laid out for a help `wrap` columns wide. */
export function toYargs(def: CommandDef, wrap: number): CommandModule {
  return {
    command: def.command,
    aliases: [...(def.aliases ?? [])],
    describe: def.describe,
    builder: withExampleLayout(def.builder, wrap),
    handler: def.handler,
  };
}
