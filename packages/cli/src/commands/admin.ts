import { COMPLETION_SHELLS } from '../completion/shells.js';
import type { CommandDef, CommandGroup, LazyHandler } from './types.js';

export function adminCommands(lazy: LazyHandler): { groups: CommandGroup[]; commands: CommandDef[] } {
  const plugins: CommandDef[] = [
    {
      command: 'list',
      aliases: ['ls'],
      describe: 'list the backend plugins found (reads package metadata only)',
      builder: (yargs) =>
        yargs
          .example('$0 plugins list', 'every installed backend, its package, version and status')
          .example('$0 plugins list --json', 'the same as an array of objects'),
      handler: lazy('plugins-list'),
    },
    {
      command: 'info <name>',
      completes: ['backend'],
      describe: 'show a plugin: capabilities, credentials it reads, config keys',
      builder: (yargs) =>
        yargs
          .positional('name', {
            type: 'string',
            demandOption: true,
            describe: 'a backend name (e2b) or package name',
          })
          .example('$0 plugins info local', 'what the local backend can do'),
      handler: lazy('plugins-info'),
    },
  ];
  const config: CommandDef[] = [
    {
      command: 'show',
      describe: 'print the effective configuration; credentials appear as their source, never their value',
      builder: (yargs) =>
        yargs
          .example('$0 config show', 'the merged config')
          .example('$0 -c ci.toml config show --json', 'another file, as JSON'),
      handler: lazy('config-show'),
    },
    {
      command: 'validate',
      describe: 'check agentkernel.toml; prints each issue with file, line and key, exits 2 when invalid',
      builder: (yargs) => yargs.example('$0 config validate', 'check the agentkernel.toml found from here'),
      handler: lazy('config-validate'),
    },
  ];
  return {
    groups: [
      { name: 'plugins', describe: 'list and inspect backend plugins', subcommands: plugins },
      { name: 'config', describe: 'show or validate agentkernel.toml', subcommands: config },
    ],
    commands: [
      {
        command: 'doctor',
        describe: 'check plugins, credentials, isolation (bubblewrap) and the state folder',
        builder: (yargs) =>
          yargs
            .option('online', {
              type: 'boolean',
              default: false,
              describe:
                'also call each provider whose credentials are set (a list of sandboxes), and ask every backend for leftovers',
            })
            .example('$0 doctor', 'what works here and what to fix, without calling any provider')
            .example('$0 doctor --online', 'also: are the keys accepted and the providers reachable'),
        handler: lazy('doctor'),
      },
      {
        command: 'version',
        describe: 'print the version of agentkernel (also -V, --version)',
        builder: (yargs) => yargs.example('$0 version --json', '{"version": "..."}'),
        handler: lazy('version'),
      },
      {
        command: 'completion [shell]',
        completes: ['shell'],
        describe: 'print the shell completion script for bash, zsh or fish',
        builder: (yargs) =>
          yargs
            .positional('shell', {
              type: 'string',
              choices: [...COMPLETION_SHELLS],
              describe: 'the shell to complete in',
            })
            .example('$0 completion bash >> ~/.bashrc', 'complete in every new bash')
            .example('$0 completion zsh > "${fpath[1]}/_agentkernel"', 'zsh: a file on the fpath')
            .example('$0 completion fish | source', 'fish, for this session'),
        handler: lazy('completion'),
      },
      {
        command: 'help [command..]',
        completes: ['command', 'command'],
        describe: 'show the help of a command (the same as agentkernel <command> --help)',
        builder: (yargs) => yargs.example('$0 help sandbox create', 'how to create a sandbox'),
        // main turns `help X` into `X --help` before parsing, so this never runs.
        handler: () => undefined,
      },
    ],
  };
}
