import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, FIXTURES, json, REPO_ROOT, tempDir } from './helpers.js';

describe('documented exit codes and messages', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  const run = (args: string[], cwd?: string) => agentkernel(args, { home: home.path, cwd: cwd ?? home.path });

  beforeAll(async () => {
    home = await tempDir('errors-home');
    project = await tempDir('errors-project');
    await writeFile(join(project.path, 'package.json'), '{ "name": "p", "private": true }\n');
  });
  afterAll(async () => {
    await home.cleanup();
    await project.cleanup();
  });

  it('--help exits 0 and teaches with examples', async () => {
    const result = await run(['exec', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain("agentkernel exec demo -- sh -c 'echo hi; exit 7'");
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['sandbox', 'create', '--vcpus'], /Not enough arguments following: vcpus/],
    [['sandbox', 'create', 'no/slashes'], /invalid sandbox name "no\/slashes"/],
  ])('usage error %j exits 2', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('doctor on a working machine: exit 0, isolation, state folder and the local plugin ok', async () => {
    const result = await run(['doctor', '--json']);
    expect(result.code).toBe(0);
    const report = json<{
      ok: boolean;
      defaultBackend: string;
      checks: { status: string; check: string; detail: string }[];
    }>(result);
    expect(report).toMatchObject({ ok: true, defaultBackend: 'local' });
    const status = (check: string) => report.checks.find((finding) => finding.check === check)?.status;
    expect([status('isolation'), status('state folder'), status('plugin local'), status('config')]).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
    // What isolation is in force is measured inside a sandbox, not assumed.
    expect(report.checks.find((finding) => finding.check === 'isolation')?.detail).toContain(
      'no capabilities (CapEff 0), no-new-privs',
    );
    // From the repository, the stub is found and reported as not usable, with its reason.
    const fromRepo = json<typeof report>(
      await agentkernel(['doctor', '--json'], { home: home.path, cwd: REPO_ROOT }),
    );
    expect(fromRepo.checks.find((finding) => finding.check === 'plugin agentcomputer')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/stub, not usable/),
    });
  });

  it('an unknown sandbox exits 5 and points at sandbox list', async () => {
    const result = await run(['sandbox', 'start', 'ghost']);
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      '[agentkernel] no sandbox named "ghost"\nhint: see the sandboxes you have with: agentkernel sandbox list\n',
    );
  });

  it('a backend that is not installed exits 2; the install command only names packages that exist', async () => {
    const unknown = await run(['sandbox', 'create', 'x', '-B', 'nimbus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no backend plugin "nimbus" is installed');
    expect(unknown.stderr).not.toContain('npm install');
    const planned = await run(['sandbox', 'create', 'x', '-B', 'docker']);
    expect(planned.stderr).toContain('not available yet');
    expect(planned.stderr).not.toContain('npm install');
  });

  it('a stub backend exits 3, says why, and records nothing', async () => {
    // Run from the repository, where the stub is a declared workspace dependency.
    const result = await agentkernel(['sandbox', 'create', 'x', '-B', 'agentcomputer'], {
      home: home.path,
      cwd: REPO_ROOT,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^\[agentkernel\] \[agentcomputer\] /);
    expect(result.stderr).toContain('hint: use one of the installed backends instead: -B ');
    expect(result.stderr).toContain('-B local');
    expect(json(await run(['sandbox', 'list', '--json']))).toEqual([]);
  });

  it('--backend naming another backend than the sandbox lives on is refused rather than ignored', async () => {
    expect((await run(['sandbox', 'create', 'placed'])).code).toBe(0);
    try {
      const result = await run(['exec', 'placed', '-B', 'e2b', '--', 'true']);
      expect(result.code).toBe(125);
      expect(result.stderr).toContain(
        'sandbox "placed" lives on backend "local"; --backend e2b does not apply to it',
      );
    } finally {
      await run(['sandbox', 'remove', 'placed', '--force']);
    }
  });

  describe('bad configs exit 2 naming file, line and key', () => {
    it('a wrong type', async () => {
      await writeFile(
        join(project.path, 'agentkernel.toml'),
        '[sandbox]\nname = "ok"\n\n[resources]\nvcpus = "four"\n',
      );
      const result = await run(['sandbox', 'create', 'x'], project.path);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${join(project.path, 'agentkernel.toml')}:5: resources.vcpus:`);
      const validate = await run(['config', 'validate'], project.path);
      expect(validate.code).toBe(2);
      expect(validate.stderr).toContain('resources.vcpus');
      expect(validate.stdout).toContain('invalid (1 error)');
    });

    it('TOML that does not parse', async () => {
      await writeFile(join(project.path, 'agentkernel.toml'), '[sandbox\nname = 1\n');
      const result = await run(['config', 'validate', '--json'], project.path);
      expect(result.code).toBe(2);
      const report = json<{ valid: boolean; errors: { file: string; line?: number }[] }>(result);
      expect(report.valid).toBe(false);
      expect(report.errors[0]?.file).toBe(join(project.path, 'agentkernel.toml'));
      expect(report.errors[0]?.line).toBe(1);
    });

    it('-c naming a missing file', async () => {
      const result = await run(['-c', 'nope.toml', 'sandbox', 'list'], project.path);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${join(project.path, 'nope.toml')}: config file not found`);
    });

    it('a valid file validates, with unknown keys as warnings', async () => {
      await mkdir(join(project.path, 'sub'), { recursive: true });
      await writeFile(join(project.path, 'agentkernel.toml'), '[sandbox]\nname = "ok"\ncolour = "blue"\n');
      const result = await run(['config', 'validate'], join(project.path, 'sub'));
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`${join(project.path, 'agentkernel.toml')}: valid`);
      expect(result.stderr).toMatch(/warning: .*agentkernel\.toml:3: sandbox\.colour/);
    });
  });

  describe('a plugin given by path that reads a secret', () => {
    const secret = 'keyed_live_0123456789abcdef';
    const inline = 'inline-daytona-secret-42';
    let file: string;
    beforeAll(async () => {
      file = join(project.path, 'keyed.toml');
      const plugin = join(FIXTURES, 'plugins', 'keyed.js');
      await writeFile(
        file,
        `[plugins]\npaths = ["${plugin}"]\n\n[remote.keyed]\napi_key_env = "MY_KEYED_KEY"\n\n[remote.daytona]\napi_key = "${inline}"\n`,
      );
    });

    it('config show prints where credentials come from, never their values', async () => {
      for (const format of [[], ['--json']]) {
        const result = await run(['-c', file, 'config', 'show', ...format]);
        const all = result.stdout + result.stderr;
        expect(result.code).toBe(0);
        expect(all).not.toContain(inline);
        expect(result.stdout).toContain('MY_KEYED_KEY');
      }
      expect((await run(['-c', file, 'config', 'show'])).stdout).toContain(
        'keyed.api_key: missing: set MY_KEYED_KEY',
      );
      const withKey = await agentkernel(['-c', file, 'config', 'show'], {
        home: home.path,
        cwd: project.path,
        env: { MY_KEYED_KEY: secret },
      });
      expect(withKey.stdout).toContain('keyed.api_key: env:MY_KEYED_KEY (set)');
      expect(withKey.stdout + withKey.stderr).not.toContain(secret);
    });

    it('doctor names the missing variable, and fails for the default backend', async () => {
      const result = await run(['-c', file, '-B', 'keyed', 'doctor', '--json']);
      expect(result.code).toBe(2);
      const report = json<{ ok: boolean; checks: { status: string; check: string; detail: string }[] }>(
        result,
      );
      expect(report.ok).toBe(false);
      expect(report.checks).toContainEqual({
        status: 'fail',
        check: 'credentials keyed',
        detail: 'api_key: missing: set MY_KEYED_KEY',
        code: 2,
      });
      expect(report.checks).toContainEqual(expect.objectContaining({ status: 'ok', check: 'plugin keyed' }));
    });

    it('creating without the credential exits 2 naming the variable', async () => {
      const result = await run(['-c', file, 'sandbox', 'create', 'k', '-B', 'keyed']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('MY_KEYED_KEY');
    });

    it('a bug in a plugin exits 70 with a one-line report, redacted, and a stack only with --debug', async () => {
      const env = { MY_KEYED_KEY: secret };
      const result = await agentkernel(['-c', file, 'sandbox', 'create', 'k', '-B', 'keyed'], {
        home: home.path,
        cwd: project.path,
        env,
      });
      expect(result.code).toBe(70);
      // The config's own warning (the inline daytona key) comes first; the report is one line.
      const lines = result.stderr
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith('warning:'));
      expect(lines).toEqual([
        expect.stringMatching(
          /^agentkernel hit an internal error; rerun with --debug and report it: TypeError: Cannot read properties of undefined/,
        ),
      ]);
      const debug = await agentkernel(['-c', file, 'sandbox', 'create', 'k', '-B', 'keyed', '--debug'], {
        home: home.path,
        cwd: project.path,
        env,
      });
      expect(debug.code).toBe(70);
      expect(debug.stderr).toMatch(/\n\s+at /);
      expect(debug.stderr).not.toContain(secret);
    });
  });
});
