import type { Argv } from 'yargs';
import type { CommandDef, CommandGroup, LazyHandler } from './types.js';

function withSyncOptions(yargs: Argv): Argv {
  return yargs
    .positional('name', { type: 'string', demandOption: true, describe: 'the sandbox name' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print what would move, move nothing' })
    .option('prefer', {
      requiresArg: true,
      choices: ['local', 'remote'] as const,
      describe: 'which side wins a path changed on both sides (without it a conflict stops the sync, exit 4)',
    });
}

export function workspaceGroups(lazy: LazyHandler): CommandGroup[] {
  const sync: CommandDef[] = [
    {
      command: 'push <name>',
      describe: 'send local changes of the project folder to /workspace',
      builder: (yargs) =>
        withSyncOptions(yargs)
          .example('$0 sync push demo', 'send what changed since the last sync')
          .example('$0 sync push demo --dry-run', 'show the plan only'),
      handler: lazy('sync'),
    },
    {
      command: 'pull <name>',
      describe: 'bring changes made in /workspace back to the project folder',
      builder: (yargs) =>
        withSyncOptions(yargs).example('$0 sync pull demo --prefer remote', 'take the sandbox side of any conflict'),
      handler: lazy('sync'),
    },
    {
      command: 'status <name>',
      describe: 'show what differs between the project folder and /workspace',
      builder: (yargs) => withSyncOptions(yargs).example('$0 sync status demo --json', 'the plan as JSON'),
      handler: lazy('sync'),
    },
  ];
  return [
    { name: 'sync', describe: 'move changes between the project folder and /workspace', subcommands: sync },
  ];
}
