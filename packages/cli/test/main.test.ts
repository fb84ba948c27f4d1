import { describe, expect, it } from 'vitest';
import { NotFoundError } from '@agentkernel/core';
import type { Handler, HandlerName } from '../src/commands/types.js';
import { main } from '../src/main.js';
import { captureIo } from './capture.js';

/** Runs the CLI with handlers replaced by one that records what it was called with. */
async function parse(argv: string[], behaviour: Handler = async () => 0) {
  const calls: { name: HandlerName; args: Record<string, unknown> }[] = [];
  const capture = captureIo();
  const code = await main(argv, {
    io: capture.io,
    loadHandler: async (name) => async (args, io) => {
      calls.push({ name, args });
      return behaviour(args, io);
    },
  });
  return { code, calls, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe('help and version', () => {
  it('--help lists every command group and the global flags, exit 0', async () => {
    const { code, stdout, calls } = await parse(['--help']);
    expect(code).toBe(0);
    expect(calls).toEqual([]);
    for (const word of [
      'sandbox',
      'exec',
      'attach',
      'run',
      'sync',
      'snapshot',
      'plugins',
      'config',
      'doctor',
      'completion',
    ]) {
      expect(stdout).toContain(`agentkernel ${word}`);
    }
    for (const flag of ['--config', '--backend', '--json', '--debug', '--quiet'])
      expect(stdout).toContain(flag);
  });

  it('each command help has examples', async () => {
    for (const argv of [
      ['sandbox', 'create'],
      ['exec'],
      ['run'],
      ['sandbox', 'cp'],
      ['snapshot', 'restore'],
      ['sync', 'push'],
    ]) {
      const { code, stdout } = await parse([...argv, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain('Examples:');
    }
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await parse(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('usage errors exit 2 with a pointer to the help', () => {
  it.each([
    [[], /name a command/, 'agentkernel --help'],
    [
      ['sandbox'],
      /name a sandbox command: create, list, info, start, stop, remove, cp/,
      'agentkernel sandbox --help',
    ],
    [['sandbox', 'cp', 'a'], /Not enough non-option arguments/, 'agentkernel sandbox cp --help'],
    [['sandbox', 'list', '--colour'], /Unknown argument: colour/, 'agentkernel sandbox list --help'],
    [['sync', 'push', 'demo', '--prefer', 'mine'], /Invalid values/, 'agentkernel sync push --help'],
    // -l is list's label filter, so only -a and the word are unknown.
    [['sandbox', 'list', 'ls', '-la'], /Unknown arguments: a, ls/, 'agentkernel sandbox list --help'],
  ])('%j', async (argv, message, help) => {
    const { code, stderr, calls } = await parse(argv);
    expect(code).toBe(2);
    expect(calls).toEqual([]);
    expect(stderr).toMatch(message);
    expect(stderr).toContain(`run "${help}" for usage`);
  });
});

describe("agentkernel's spellings", () => {
  it('sb is sandbox, -V and version print the version, help X is X --help', async () => {
    expect((await parse(['sb', 'rm', 'x'])).calls[0]).toMatchObject({
      name: 'sandbox-remove',
      args: { name: 'x' },
    });
    const version = await parse(['-V']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await parse(['version'])).calls[0]?.name).toBe('version');
    const help = await parse(['help', 'sandbox', 'create']);
    expect(help.calls).toEqual([]);
    expect(help.stdout).toContain('agentkernel sandbox create [name]');
    expect((await parse(['help'])).stdout).toContain('agentkernel sandbox');
  });

  it('-p/--publish on sandbox create, -P/--publish on run', async () => {
    const created = await parse(['sandbox', 'create', 'web', '-p', '8080:80', '-p', '3000/udp']);
    expect(created.calls[0]?.args).toMatchObject({ publish: ['8080:80', '3000/udp'] });
    const ran = await parse(['run', '-P', '3000', 'node', '-p', '1']);
    expect(ran.calls[0]?.args).toMatchObject({ publish: ['3000'], '--': ['node', '-p', '1'] });
  });

  it('a name may be left out wherever [sandbox] name can supply it', async () => {
    for (const argv of [
      ['sandbox', 'info'],
      ['sandbox', 'stop'],
      ['sync', 'push'],
      ['snapshot', 'take'],
      ['exec', '--', 'ls'],
    ]) {
      const { code, calls } = await parse(argv);
      expect(code).toBe(0);
      expect(calls).toHaveLength(1);
    }
  });

  it.each([
    [['sandbox', 'resume', 'x'], /"agentkernel sandbox resume" is "agentkernel sandbox start" in this tool/],
    [
      ['session', 'start'],
      /"agentkernel session" is an agentkernel command that is not available in this tool/,
    ],
    [['sb', 'clean'], /"agentkernel sandbox clean" is an agentkernel command that is not available/],
    [['create', 'x'], /is "agentkernel sandbox create" in this tool/],
    [['sandbx', 'list'], /unknown command "sandbx"/],
  ])('%j says what it is, exit 2', async (argv, message) => {
    const { code, stderr, calls } = await parse(argv);
    expect(code).toBe(2);
    expect(calls).toEqual([]);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/Unknown argument/);
  });

  it('never suggests a destructive command for a word it does not know', async () => {
    for (const word of ['remov', 'rmove', 'stp', 'stopp', 'delet', 'resum']) {
      const { stderr } = await parse(['sandbox', word, 'x']);
      expect(stderr).not.toMatch(/did you mean: agentkernel sandbox (remove|rm|stop)/);
    }
    expect((await parse(['sandbox', 'lst'])).stderr).toContain('did you mean: agentkernel sandbox list?');
  });

  it("--help lists agentkernel's commands this tool does not have", async () => {
    const { stdout } = await parse(['--help']);
    expect(stdout).toMatch(/Not available in this tool \(agentkernel has them\): .*session/s);
  });
});

describe('our options stop at the first word of the command, with or without --', () => {
  it.each([
    [['run', 'python3', '-c', "print('hi')"], 'run', {}, ['python3', '-c', "print('hi')"]],
    [['exec', 'demo', 'ls', '-la'], 'exec', { name: 'demo' }, ['ls', '-la']],
    [
      ['exec', '-e', 'A=1', 'demo', 'env', '-e', 'x'],
      'exec',
      { name: 'demo', env: ['A=1'] },
      ['env', '-e', 'x'],
    ],
    [
      ['exec', 'demo', '-w', 'src', '--no-sync', 'make', '--json'],
      'exec',
      { workdir: 'src', sync: false, json: false },
      ['make', '--json'],
    ],
    [
      ['-B', 'e2b', 'run', '--image', 'alpine:3', '-k', 'sh', '-c', 'exit 3', '--', 'x'],
      'run',
      { backend: 'e2b', image: 'alpine:3', keep: true },
      ['sh', '-c', 'exit 3', '--', 'x'],
    ],
    [['exec', 'demo', '--', 'ls', '-c'], 'exec', { name: 'demo' }, ['ls', '-c']],
    [['run', '--timeout', '5', '--', '-weird'], 'run', { timeout: 5 }, ['-weird']],
  ])('%j', async (argv, handler, args, command) => {
    const { code, calls, stderr } = await parse(argv);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(calls[0]?.name).toBe(handler);
    expect(calls[0]?.args).toMatchObject(args);
    expect(calls[0]?.args['--']).toEqual(command);
    expect(calls[0]?.args.config).toBeUndefined();
  });

  it('our options before the command still count, including global ones', async () => {
    const { calls } = await parse(['run', '-c', 'ci.toml', '--json', 'echo', '-c']);
    expect(calls[0]?.args).toMatchObject({ config: 'ci.toml', json: true, '--': ['echo', '-c'] });
  });
});

describe('arguments reach the handlers', () => {
  it('exec: name, repeated -e, -w, --no-sync, --timeout and the command after --', async () => {
    const { code, calls } = await parse(
      [
        'exec',
        'demo',
        '-e',
        'A=1',
        '-e',
        'B=x=y',
        '-w',
        'src',
        '--no-sync',
        '--timeout',
        '5',
        '--',
        'sh',
        '-c',
        'exit 7',
        '-c',
        '0042',
        '1e3',
      ],
      async () => 7,
    );
    expect(code).toBe(7);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.name).toBe('exec');
    expect(call?.args).toMatchObject({
      name: 'demo',
      env: ['A=1', 'B=x=y'],
      workdir: 'src',
      sync: false,
      timeout: 5,
    });
    expect(call?.args['--']).toEqual(['sh', '-c', 'exit 7', '-c', '0042', '1e3']);
    expect(call?.args.config).toBeUndefined();
  });

  it('global flags work before and after the command', async () => {
    const { calls } = await parse(['-B', 'e2b', '--json', 'run', '--keep', '--quiet', '--', 'true']);
    expect(calls[0]?.name).toBe('run');
    expect(calls[0]?.args).toMatchObject({
      backend: 'e2b',
      json: true,
      quiet: true,
      keep: true,
      debug: false,
    });
  });

  it('sandbox create: defaults and negations', async () => {
    const { calls } = await parse([
      'sandbox',
      'create',
      'web',
      '--no-start',
      '--port',
      '3000',
      '--port',
      '8080',
      '--no-network',
      '--memory-mb',
      '512',
    ]);
    expect(calls[0]?.name).toBe('sandbox-create');
    expect(calls[0]?.args).toMatchObject({
      name: 'web',
      start: false,
      port: [3000, 8080],
      network: false,
      memoryMb: 512,
    });
    const plain = await parse(['sandbox', 'create']);
    expect(plain.calls[0]?.args).toMatchObject({ start: true });
    expect(plain.calls[0]?.args.network).toBeUndefined();
    expect(plain.calls[0]?.args.mountCwd).toBeUndefined();
  });

  it('aliases: sandbox rm, plugins ls, snapshot rm', async () => {
    expect((await parse(['sandbox', 'rm', 'x', '-f'])).calls[0]).toMatchObject({
      name: 'sandbox-remove',
      args: { name: 'x', force: true },
    });
    expect((await parse(['plugins', 'ls'])).calls[0]?.name).toBe('plugins-list');
    expect((await parse(['snapshot', 'rm', 's1'])).calls[0]).toMatchObject({
      name: 'snapshot-delete',
      args: { snapshot: 's1' },
    });
  });

  it('snapshot take keeps the sandbox and --name apart', async () => {
    const { calls } = await parse(['snapshot', 'take', 'demo', '--name', 'before']);
    expect(calls[0]).toMatchObject({ name: 'snapshot-take', args: { sandbox: 'demo', name: 'before' } });
  });

  it('sync subcommands share one handler and say which one ran', async () => {
    const { calls } = await parse(['sync', 'pull', 'demo', '--dry-run', '--prefer', 'remote']);
    expect(calls[0]).toMatchObject({
      name: 'sync',
      args: { _: ['sync', 'pull'], name: 'demo', dryRun: true, prefer: 'remote' },
    });
  });
});

describe('failures of handlers', () => {
  it('an AgentkernelError exits with its code and prints its message and hint', async () => {
    const { code, stderr } = await parse(['sandbox', 'info', 'ghost'], async () => {
      throw new NotFoundError('no sandbox named "ghost"', { hint: 'see agentkernel sandbox list' });
    });
    expect(code).toBe(5);
    expect(stderr).toBe('[agentkernel] no sandbox named "ghost"\nhint: see agentkernel sandbox list\n');
  });

  it('a bug exits 70 with a one-line report, and a stack only with --debug', async () => {
    const bug = async () => {
      throw new RangeError('oops');
    };
    const plain = await parse(['doctor'], bug);
    expect(plain.code).toBe(70);
    expect(plain.stderr).toBe(
      'agentkernel hit an internal error; rerun with --debug and report it: RangeError: oops\n',
    );
    const debug = await parse(['doctor', '--debug'], bug);
    expect(debug.code).toBe(70);
    expect(debug.stderr).toMatch(/RangeError: oops\n\s+at /);
  });
});
