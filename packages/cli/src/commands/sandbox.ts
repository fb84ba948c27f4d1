import type { Argv } from 'yargs';
import { withCreationOptions } from './creation-options.js';
import type { CommandDef, CommandGroup, LazyHandler } from './types.js';

const nameArg = (yargs: Argv): Argv =>
  yargs.positional('name', { type: 'string', describe: 'the sandbox name (default: [sandbox] name)' });

/** The form of a sandbox's command whose name may come from `[sandbox] name`. */
const named = (command: string): string => `${command} [name]`;

const idArg = (yargs: Argv): Argv =>
  yargs.positional('id', {
    type: 'string',
    describe: 'the id exec --detach printed (see sandbox exec-list)',
    demandOption: true,
  });

export function sandboxGroup(lazy: LazyHandler): CommandGroup {
  const subcommands: CommandDef[] = [
    {
      command: 'create [name]',
      describe: 'create a sandbox and start it',
      builder: (yargs) =>
        withCreationOptions(yargs)
          .positional('name', {
            type: 'string',
            describe: 'the sandbox name (default: [sandbox] name, else the project folder name)',
          })
          .option('publish', {
            alias: 'p',
            type: 'string',
            requiresArg: true,
            array: true,
            describe:
              'a port to publish as agentkernel writes it: 3000, 8080:80 or 3000/udp; repeat for several',
          })
          .option('start', {
            type: 'boolean',
            default: true,
            describe: 'start it right away; --no-start only records and provisions it',
          })
          .example(
            '$0 sandbox create demo',
            'a sandbox named demo on the default backend (local unless configured)',
          )
          .example('$0 sandbox create web -B e2b --port 3000', 'a sandbox on E2B that serves port 3000')
          .example(
            '$0 sandbox create offline --no-network --mount-cwd',
            'no network; the project folder synced to /workspace',
          ),
      handler: lazy('sandbox-create'),
    },
    {
      command: 'list',
      aliases: ['ls'],
      describe: 'list the sandboxes agentkernel knows, with their backend and status',
      builder: (yargs) =>
        yargs
          .option('label', {
            alias: 'l',
            type: 'string',
            requiresArg: true,
            array: true,
            describe: 'only sandboxes with this label key=value; repeat to require several',
          })
          .example('$0 sandbox list', 'a table')
          .example('$0 sandbox list -l team=infra', 'only those labelled team=infra')
          .example('$0 sandbox list --json', 'an array of {name, backend, status, ...}'),
      handler: lazy('sandbox-list'),
    },
    {
      command: named('info'),
      completes: ['sandbox'],
      describe: 'show one sandbox: backend, provider id, status, resources, endpoints',
      builder: (yargs) =>
        nameArg(yargs).example('$0 sandbox info demo --json', 'everything recorded about demo, as JSON'),
      handler: lazy('sandbox-info'),
    },
    {
      command: named('start'),
      completes: ['sandbox'],
      describe: 'start a stopped sandbox (succeeds and changes nothing when it is running)',
      builder: (yargs) => nameArg(yargs).example('$0 sandbox start demo', 'resume demo'),
      handler: lazy('sandbox-start'),
    },
    {
      command: named('stop'),
      completes: ['sandbox'],
      describe: 'stop a sandbox; backends with pause/resume keep its files',
      builder: (yargs) =>
        nameArg(yargs).example('$0 sandbox stop demo', 'stop demo; `sandbox start demo` resumes it'),
      handler: lazy('sandbox-stop'),
    },
    {
      command: named('remove'),
      completes: ['sandbox'],
      aliases: ['rm'],
      describe: 'destroy a sandbox and everything in it, and forget it',
      builder: (yargs) =>
        nameArg(yargs)
          .option('force', {
            alias: 'f',
            type: 'boolean',
            default: false,
            describe: 'forget the sandbox even when its backend cannot be reached to destroy it',
          })
          .example('$0 sandbox remove demo', 'destroy demo')
          .example('$0 sandbox rm demo --force', 'forget demo even if its provider is unreachable'),
      handler: lazy('sandbox-remove'),
    },
    {
      command: 'cp <src> <dst>',
      describe: 'copy files or folders between this machine and a sandbox (NAME:/path names a sandbox path)',
      builder: (yargs) =>
        yargs
          .positional('src', { type: 'string', demandOption: true, describe: 'a local path, or NAME:PATH' })
          .positional('dst', { type: 'string', demandOption: true, describe: 'a local path, or NAME:PATH' })
          .example('$0 sandbox cp ./data.bin demo:/workspace/data.bin', 'upload a file (bytes kept exactly)')
          .example('$0 sandbox cp demo:out ./out', 'download /workspace/out (a file or a whole folder)')
          .example('$0 sandbox cp ./src demo:/tmp/', 'upload a folder into /tmp/src'),
      handler: lazy('sandbox-cp'),
    },
    {
      command: 'exec-list <name>',
      completes: ['sandbox'],
      describe: 'list the detached commands of a sandbox (exec --detach), with their status and exit code',
      builder: (yargs) =>
        nameArg(yargs)
          .example('$0 sandbox exec-list demo', 'a table of ids, statuses and commands')
          .example(
            '$0 sandbox exec-list demo --json',
            'an array of {id, command, pid, status, exitCode, ...}',
          ),
      handler: lazy('sandbox-exec-list'),
    },
    {
      command: 'exec-logs <name> <id>',
      completes: ['sandbox'],
      describe: "print a detached command's output (standard output unless --stderr)",
      builder: (yargs) =>
        idArg(nameArg(yargs))
          .option('stderr', { type: 'boolean', default: false, describe: 'print its standard error instead' })
          .option('follow', {
            alias: 'f',
            type: 'boolean',
            default: false,
            describe: 'keep printing what it writes until it ends (Ctrl-C stops following, not the command)',
          })
          .example('$0 sandbox exec-logs demo 1a2b3c4d -f', 'follow its output until it ends'),
      handler: lazy('sandbox-exec-logs'),
    },
    {
      command: 'exec-kill <name> <id>',
      completes: ['sandbox'],
      describe: 'end a detached command and every process it started',
      builder: (yargs) =>
        idArg(nameArg(yargs)).example(
          '$0 sandbox exec-kill demo 1a2b3c4d',
          'its status becomes killed (137)',
        ),
      handler: lazy('sandbox-exec-kill'),
    },
    {
      command: named('extend-ttl'),
      describe:
        'give a sandbox more time before its TTL ends (from its expiry, or from now once it has passed)',
      builder: (yargs) =>
        nameArg(yargs)
          .option('by', {
            type: 'string',
            requiresArg: true,
            demandOption: true,
            describe: 'how much longer: 90s, 30m, 1h, 2d',
          })
          .example('$0 sandbox extend-ttl demo --by 30m', 'demo expires 30 minutes later')
          .example('$0 sandbox extend-ttl demo --by 1h --json', '{name, expiresAt}'),
      handler: lazy('sandbox-extend-ttl'),
    },
    {
      command: 'gc',
      describe:
        'find and remove what agentkernel left behind: sandboxes a backend has with no record here, sandboxes past their TTL, records whose sandbox is gone',
      builder: (yargs) =>
        yargs
          .option('dry-run', {
            type: 'boolean',
            default: false,
            describe: 'only list them',
          })
          .epilogue(
            'Asks every backend with credentials set (or only -B BACKEND) for the sandboxes this state made: ' +
              'each sandbox is tagged at create with a label naming the machine and state folder, so ' +
              'sandboxes of other machines, homes or the bridge on the same account are never touched. An expired sandbox ' +
              'is destroyed and forgotten; until gc runs, commands that use it refuse (sandbox info, stop, remove, ' +
              'extend-ttl and snapshot take still work).',
          )
          .example('$0 sandbox gc --dry-run', 'what would be removed, and why')
          .example(
            '$0 sandbox gc -B e2b --json',
            'remove leftovers on E2B only; {dryRun, leftovers, skipped}',
          ),
      handler: lazy('sandbox-gc'),
    },
  ];
  return {
    name: 'sandbox',
    aliases: ['sb'],
    describe: 'create, inspect, start, stop, remove sandboxes and copy files',
    subcommands,
  };
}
