import type { Argv } from 'yargs';
import { withCreationOptions } from './creation-options.js';
import type { CommandDef, LazyHandler } from './types.js';

function withCommandOptions(yargs: Argv): Argv {
  return yargs
    .positional('cmd', {
      type: 'string',
      array: true,
      describe: 'the command and its arguments; our options stop at its first word (-- is optional)',
    })
    .option('env', {
      alias: 'e',
      type: 'string',
      requiresArg: true,
      array: true,
      describe: 'set K=V in the command environment; repeat for several',
    })
    .option('workdir', {
      alias: 'w',
      type: 'string',
      requiresArg: true,
      describe: 'working directory (relative paths start at /workspace)',
    })
    .option('timeout', {
      type: 'number',
      requiresArg: true,
      describe: 'kill the command after this many seconds (exit code 137)',
    })
    .option('stdin', {
      alias: 'i',
      type: 'boolean',
      default: false,
      describe: 'pass this standard input to the command (otherwise it reads nothing)',
    });
}

/** What `exec --help` and `run --help` say about exit codes (DESIGN section 9). */
const EXIT_CODES =
  "Exit codes: the command's own, always; 125 when agentkernel itself fails (usage, config, backend, sync conflict, sandbox not found), with a message saying which.";

const withSync = (yargs: Argv): Argv =>
  yargs.option('sync', {
    type: 'boolean',
    default: true,
    describe: 'with mount_cwd, push the project before and pull it back after; --no-sync skips both',
  });

export function execCommands(lazy: LazyHandler): CommandDef[] {
  return [
    {
      command: 'exec [name] [cmd..]',
      completes: ['sandbox'],
      describe: "run a command in a sandbox, streaming its output; exits with the command's exit code",
      builder: (yargs) =>
        withSync(
          withCommandOptions(
            yargs.positional('name', {
              type: 'string',
              describe: 'the sandbox name (default: [sandbox] name)',
            }),
          ),
        )
          .option('detach', {
            alias: 'd',
            type: 'boolean',
            default: false,
            describe:
              'start the command in the background and print its id at once (see sandbox exec-list, exec-logs, exec-kill)',
          })
          .example("$0 exec demo -- sh -c 'echo hi; exit 7'", 'prints hi, then agentkernel exits with 7')
          .example(
            '$0 exec -d demo -- python3 -m http.server 3000',
            'a server that keeps running; prints its id',
          )
          .example(
            '$0 exec demo -e DEBUG=1 -w src -- npm test',
            'run npm test in /workspace/src with DEBUG=1',
          )
          .example(
            '$0 exec demo --no-sync --timeout 30 -- make',
            'no workspace sync; give up after 30 seconds',
          )
          .example(
            '$0 exec demo --json -- cat out.bin',
            '{exitCode, stdout, stderr, ...}; stdoutEncoding says utf8 or base64',
          )
          .epilog(EXIT_CODES),
      handler: lazy('exec'),
    },
    {
      command: 'attach [name]',
      completes: ['sandbox'],
      describe: 'open an interactive shell in a sandbox (backends with the pty capability)',
      builder: (yargs) =>
        withSync(
          yargs.positional('name', {
            type: 'string',
            describe: 'the sandbox name (default: [sandbox] name)',
          }),
        ).example('$0 attach demo', 'a shell in demo; exit it to come back'),
      handler: lazy('attach'),
    },
    {
      command: 'run [cmd..]',
      describe: 'run one command in a fresh sandbox that is destroyed afterwards (even on failure or Ctrl-C)',
      builder: (yargs) =>
        withSync(withCreationOptions(withCommandOptions(yargs)))
          .option('publish', {
            alias: 'P',
            type: 'string',
            requiresArg: true,
            array: true,
            describe:
              'a port to publish as agentkernel writes it: 3000, 8080:80 or 3000/udp; repeat for several',
          })
          .option('keep', {
            alias: 'k',
            type: 'boolean',
            default: false,
            describe: 'keep the sandbox afterwards and print its name',
          })
          .example('$0 run -- uname -a', 'on the default backend')
          .example('$0 run -B e2b -- python3 -c "print(1)"', 'on E2B')
          .example('$0 run --keep -- sh -c "make > build.log"', 'keep the sandbox to inspect it later')
          .example('cat data.csv | $0 run -i -- wc -l', 'feed standard input to the command')
          .epilog(EXIT_CODES),
      handler: lazy('run'),
    },
  ];
}
