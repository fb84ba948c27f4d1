import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, tempDir } from './helpers.js';

// The command given to exec and run is the user's, word for word; its exit code is the user's too, so
// agentkernel's own failures exit 125 (DESIGN section 9).
describe('exec and run: the command and its exit code belong to the user', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  const run = (...args: string[]) => agentkernel(args, { home: home.path });

  beforeAll(async () => {
    home = await tempDir('command-words');
    expect((await run('sandbox', 'create', 's')).code).toBe(0);
  });
  afterAll(async () => {
    await run('sandbox', 'remove', 's', '--force');
    await home.cleanup();
  });

  it('run without --: the -c after the first word is the command flag, not --config', async () => {
    const result = await run('run', 'sh', '-c', 'echo "hi $0"; exit 3', '-c');
    expect(result.stderr).not.toContain('config');
    expect(result.stdout).toBe('hi -c\n');
    expect(result.code).toBe(3);
  });

  it('exec without --: flags after the first word reach the command, ours before it still count', async () => {
    const result = await run(
      'exec',
      '-e',
      'A=1',
      's',
      '-w',
      '/tmp',
      'sh',
      '-c',
      'echo "$A $(pwd) $0"',
      '--json',
    );
    expect(result.stdout).toBe('1 /tmp --json\n');
    expect(result.code).toBe(0);
  });

  it('attach takes no command and says to use exec', async () => {
    const result = await run('attach', 's', 'ls');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('agentkernel exec s ls');
  });

  it("exec exits with the command's own code, whatever it is", async () => {
    for (const code of [0, 1, 2, 5, 125, 126, 127]) {
      expect((await run('exec', 's', '--', 'sh', '-c', `exit ${code}`)).code).toBe(code);
    }
  });

  it.each([
    [['exec', 'nosuch', '--', 'true'], 'not found', /no sandbox named "nosuch"/],
    [['exec', 's', '-e', 'NOEQUALS', '--', 'true'], 'usage or config error', /NOEQUALS/],
    [['exec', 's', '--bogus', '--', 'true'], 'usage or config error', /Unknown argument: bogus/],
    [['run', '-c', 'missing.toml', 'true'], 'usage or config error', /config file not found/],
    [['run', '-B', 'nimbus', 'true'], 'usage or config error', /no backend plugin "nimbus"/],
  ])("%j: agentkernel's own failure exits 125 and says which kind", async (args, kind, message) => {
    const result = await run(...args);
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(`exit code 125: agentkernel failed (${kind}), not the command`);
    expect(result.stdout).toBe('');
  });

  it('under --json the error object carries the same 125', async () => {
    const result = await run('exec', 'nosuch', '--json', '--', 'true');
    expect(result.code).toBe(125);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'SANDBOX_NOT_FOUND', exitCode: 125 } });
  });

  it('other commands keep their codes: sandbox info of a missing sandbox exits 5', async () => {
    expect((await run('sandbox', 'info', 'nosuch')).code).toBe(5);
  });

  it('the sandbox name defaults to [sandbox] name, else says to name one', async () => {
    const project = join(home.path, 'named-project');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'agentkernel.toml'), '[sandbox]\nname = "s"\n');
    const named = await agentkernel(['exec', '--', 'sh', '-c', 'exit 6'], { home: home.path, cwd: project });
    expect(named.code).toBe(6);
    const info = await agentkernel(['sb', 'info', '--json'], { home: home.path, cwd: project });
    expect(JSON.parse(info.stdout)).toMatchObject({ name: 's' });
    const unnamed = await run('sandbox', 'info');
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain('name a sandbox: agentkernel sandbox info NAME');
    expect(unnamed.stderr).not.toMatch(/non-option arguments/);
    expect((await run('exec', '--', 'true')).code).toBe(125);
  });

  it('--help of exec and run documents the exit codes', async () => {
    for (const command of ['exec', 'run']) {
      expect((await run(command, '--help')).stdout).toContain('125 when agentkernel itself fails');
    }
    expect((await run('--help')).stdout).toContain('125 when agentkernel itself fails');
  });
});
