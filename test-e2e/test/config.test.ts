import { execFileSync } from 'node:child_process';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentkernel, json, tempDir } from './helpers.js';

describe('config files, as a hostile or careless project writes them', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  const xdg = () => join(home.path, 'xdg');
  const run = (args: string[], env: Record<string, string> = {}) =>
    agentkernel(args, { home: home.path, cwd: project.path, env: { XDG_CONFIG_HOME: xdg(), ...env } });

  beforeAll(async () => {
    home = await tempDir('config-home');
    project = await tempDir('config-project');
    await writeFile(join(project.path, 'package.json'), '{ "name": "p", "private": true }\n');
    file = join(project.path, 'agentkernel.toml');
  });
  beforeEach(async () => {
    await rm(file, { recursive: true, force: true });
    await rm(xdg(), { recursive: true, force: true });
  });
  afterAll(async () => {
    await home.cleanup();
    await project.cleanup();
  });

  it('a FIFO named agentkernel.toml stops every command at once with exit 2, instead of hanging', async () => {
    execFileSync('mkfifo', [file]);
    for (const args of [
      ['sandbox', 'list'],
      ['config', 'validate'],
    ]) {
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${file}: is a FIFO (named pipe), not a regular file`);
    }
  });

  it('a link to /dev/zero is refused, not read', async () => {
    await symlink('/dev/zero', file);
    const result = await run(['config', 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a character device (through the symbolic link to /dev/zero)');
  });

  it('config validate prints each warning once, and --json keeps warnings beside errors', async () => {
    await writeFile(file, '[sandbox]\nnam = "x"\n[resources]\nvcpus = "two"\n');
    const text = await run(['config', 'validate']);
    expect(text.code).toBe(2);
    expect(text.stderr.split('\n').filter((line) => line.includes('sandbox.nam'))).toHaveLength(1);
    const result = await run(['config', 'validate', '--json']);
    expect(result.code).toBe(2);
    const report = json<{ valid: boolean; errors: { key: string }[]; warnings: { key: string }[] }>(result);
    expect(report.valid).toBe(false);
    expect(report.errors.map((issue) => issue.key)).toEqual(['resources.vcpus']);
    expect(report.warnings.map((issue) => issue.key)).toEqual(['sandbox.nam']);
  });

  it('config validate fails on an unknown [sandbox] backend and a missing [plugins] paths entry', async () => {
    await writeFile(file, '[sandbox]\nbackend = "nosuch"\n\n[plugins]\npaths = ["./gone.js"]\n');
    const result = await run(['config', 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2: sandbox.backend: no installed backend is named "nosuch"`);
    expect(result.stderr).toContain(
      `${file}:5: plugins.paths[0]: ${join(project.path, 'gone.js')} does not exist`,
    );
    expect(result.stderr.match(/gone\.js/g)).toHaveLength(1);
  });

  it('a project cannot switch isolation off; the user can, and every command then says so', async () => {
    await writeFile(file, '[local]\nisolation = "none"\n');
    const refused = await run(['sandbox', 'create', 'x']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${file}:2: local.isolation: a project's agentkernel.toml cannot turn isolation off`,
    );
    expect((await run(['sandbox', 'list', '--json'])).code).toBe(2);

    await rm(file);
    await mkdir(join(xdg(), 'agentkernel'), { recursive: true });
    await writeFile(join(xdg(), 'agentkernel', 'config.toml'), '[local]\nisolation = "none"\n');
    const doctor = await run(['doctor', '--json']);
    const checks = json<{ checks: { check: string; status: string; detail: string }[] }>(doctor).checks;
    expect(checks.find((check) => check.check === 'isolation')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining(`chosen by ${join(xdg(), 'agentkernel', 'config.toml')}`),
    });

    expect((await run(['sandbox', 'create', 'unconfined'])).code).toBe(0);
    const exec = await run(['exec', 'unconfined', '--', 'true']);
    expect(exec.code).toBe(0);
    expect(exec.stderr).toContain('running without isolation');
    expect((await run(['sandbox', 'remove', 'unconfined'])).code).toBe(0);

    const flagged = await run(['--isolation', 'none', 'doctor', '--json'], {
      XDG_CONFIG_HOME: join(home.path, 'none'),
    });
    const flagChecks = json<{ checks: { check: string; detail: string }[] }>(flagged).checks;
    expect(flagChecks.find((check) => check.check === 'isolation')?.detail).toContain(
      'chosen by --isolation none',
    );
  });
});
