import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeE2B, type FakeE2B } from '@agentkernel/backend-e2b/testing';
import { startFakeRunloop, type FakeRunloop } from '@agentkernel/backend-runloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, attachInTerminal, expectExit, REPO_ROOT, tempDir } from './helpers.js';

describe('attach on the built CLI, against the offline E2B and Runloop fakes', () => {
  let e2b: FakeE2B;
  let runloop: FakeRunloop;
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  const env = (): Record<string, string> => ({ ...e2b.env, ...runloop.env });
  const run = (...args: string[]) => agentkernel(args, { home: home.path, cwd: project.path, env: env() });

  beforeAll(async () => {
    [e2b, runloop] = await Promise.all([startFakeE2B(), startFakeRunloop()]);
    home = await tempDir('attach-home');
    project = await tempDir('attach-project');
    await writeFile(join(project.path, 'package.json'), '{ "name": "attach-project", "private": true }\n');
    const plugins = ['e2b', 'runloop'].map((name) => JSON.stringify(join(REPO_ROOT, 'plugins', name)));
    await writeFile(join(project.path, 'agentkernel.toml'), `[plugins]\npaths = [${plugins.join(', ')}]\n`);
  }, 30_000);

  afterAll(async () => {
    await run('sandbox', 'remove', 'a', '--force');
    await run('sandbox', 'remove', 'r', '--force');
    await Promise.all([e2b.close(), runloop.close()]);
    await home.cleanup();
    await project.cleanup();
  }, 60_000);

  it("attach on E2B runs a shell on the sandbox's terminal and exits with its code", async () => {
    expectExit('sandbox create a', await run('sandbox', 'create', 'a', '-B', 'e2b'), 0);
    const { code, output } = await attachInTerminal('a', 'echo hi-$((6*7)); tty; exit 3\n', {
      home: home.path,
      cwd: project.path,
      env: env(),
    });
    expect(output).toContain('attached to a (e2b)');
    expect(output, JSON.stringify(output)).toContain('hi-42');
    // The shell ran on a terminal of the sandbox's own.
    expect(output).toMatch(/\/dev\/pts\/\d+/);
    expect(code, output).toBe(3);
  });

  it('attach on a backend without a PTY exits 3 and says to use exec', async () => {
    expectExit('sandbox create r', await run('sandbox', 'create', 'r', '-B', 'runloop'), 0);
    const result = await run('attach', 'r');
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('does not support interactive shells (attach)');
    expect(result.stderr).toContain('agentkernel exec r -- COMMAND');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
