import type { Argv } from 'yargs';
import type { CommandDef, CommandGroup, LazyHandler } from './types.js';

function withSyncOptions(yargs: Argv): Argv {
  return yargs
    .positional('name', { type: 'string', describe: 'the sandbox name (default: [sandbox] name)' })
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
      command: 'push [name]',
      completes: ['sandbox'],
      describe: 'send local changes of the project folder to /workspace',
      builder: (yargs) =>
        withSyncOptions(yargs)
          .example('$0 sync push demo', 'send what changed since the last sync')
          .example('$0 sync push demo --dry-run', 'show the plan only'),
      handler: lazy('sync'),
    },
    {
      command: 'pull [name]',
      completes: ['sandbox'],
      describe: 'bring changes made in /workspace back to the project folder',
      builder: (yargs) =>
        withSyncOptions(yargs).example(
          '$0 sync pull demo --prefer remote',
          'take the sandbox side of any conflict',
        ),
      handler: lazy('sync'),
    },
    {
      command: 'status [name]',
      completes: ['sandbox'],
      describe: 'show what differs between the project folder and /workspace',
      builder: (yargs) => withSyncOptions(yargs).example('$0 sync status demo --json', 'the plan as JSON'),
      handler: lazy('sync'),
    },
  ];
  const snapshot: CommandDef[] = [
    {
      command: 'take [sandbox]',
      completes: ['sandbox'],
      describe:
        "capture a sandbox's /workspace as a portable snapshot (plus a native one when the backend has them)",
      builder: (yargs) =>
        yargs
          .positional('sandbox', {
            type: 'string',
            describe: 'the sandbox to capture (default: [sandbox] name)',
          })
          .option('name', {
            alias: 'n',
            type: 'string',
            requiresArg: true,
            describe: 'the snapshot name (default: <sandbox>-YYYYMMDD)',
          })
          .example('$0 snapshot take demo', 'snapshot demo as demo-<today>')
          .example('$0 snapshot take demo --name before-upgrade', 'with a name of your own'),
      handler: lazy('snapshot-take'),
    },
    {
      command: 'list',
      aliases: ['ls'],
      describe: 'list snapshots',
      builder: (yargs) => yargs.example('$0 snapshot list --json', 'as JSON'),
      handler: lazy('snapshot-list'),
    },
    {
      command: 'restore <snapshot>',
      completes: ['snapshot'],
      describe: 'create a running sandbox from a snapshot, on any backend',
      builder: (yargs) =>
        yargs
          .positional('snapshot', { type: 'string', demandOption: true, describe: 'the snapshot name' })
          .option('as', {
            type: 'string',
            requiresArg: true,
            describe: 'the new sandbox name (default: <sandbox>-restored)',
          })
          .example('$0 snapshot restore demo-20250101', 'as demo-restored, on the backend it was taken on')
          .example('$0 snapshot restore demo-20250101 --as copy -B e2b', 'as copy, on E2B'),
      handler: lazy('snapshot-restore'),
    },
    {
      command: 'delete <snapshot>',
      completes: ['snapshot'],
      aliases: ['rm'],
      describe: 'delete a snapshot (and its native copy at the provider, when there is one)',
      builder: (yargs) =>
        yargs
          .positional('snapshot', { type: 'string', demandOption: true, describe: 'the snapshot name' })
          .example('$0 snapshot delete demo-20250101', 'delete it'),
      handler: lazy('snapshot-delete'),
    },
  ];
  return [
    { name: 'sync', describe: 'move changes between the project folder and /workspace', subcommands: sync },
    {
      name: 'snapshot',
      describe: 'take, list, restore and delete portable snapshots of /workspace',
      subcommands: snapshot,
    },
  ];
}
