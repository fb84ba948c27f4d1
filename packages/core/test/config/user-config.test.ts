import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatConfigIssue, inspectConfig, loadConfig, userConfigPath } from '../../src/index.js';

let root: string;
let project: string;
let env: Record<string, string>;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'ak-user-config-')));
  project = join(root, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), '{}');
  env = { XDG_CONFIG_HOME: join(root, 'xdg'), HOME: join(root, 'home') };
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeUserConfig(text: string): Promise<string> {
  const file = userConfigPath(env);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  return file;
}

describe('who may turn isolation off', () => {
  it('is the user, in the user-level config', async () => {
    const file = await writeUserConfig('[local]\nisolation = "none"\n');
    expect(file).toBe(join(root, 'xdg/agentkernel/config.toml'));
    const loaded = await loadConfig({ cwd: project, env });
    expect(loaded.config.local.isolation).toBe('none');
    expect(loaded.isolationChosenBy).toBe(file);
    expect(loaded.userFile).toBe(file);
  });

  it('falls back to ~/.config without XDG_CONFIG_HOME', () => {
    expect(userConfigPath({ HOME: '/home/me' })).toBe('/home/me/.config/agentkernel/config.toml');
  });

  it('is the user, with the flag, over every file', async () => {
    await writeUserConfig('[local]\nisolation = "bubblewrap"\n');
    const loaded = await loadConfig({ cwd: project, env, isolation: 'none' });
    expect(loaded.config.local.isolation).toBe('none');
    expect(loaded.isolationChosenBy).toBe('--isolation none');
    const strict = await loadConfig({ cwd: project, env, isolation: 'bubblewrap' });
    expect(strict.config.local.isolation).toBe('bubblewrap');
  });

  it('is never the project: its agentkernel.toml is refused, and isolation stays on', async () => {
    await writeFile(join(project, 'agentkernel.toml'), '[local]\nisolation = "none"\n');
    const inspection = await inspectConfig({ cwd: project, env });
    expect(inspection.errors.map(formatConfigIssue)).toEqual([
      expect.stringContaining(
        `${join(project, 'agentkernel.toml')}:2: local.isolation: a project's agentkernel.toml cannot turn isolation off`,
      ),
    ]);
    expect(inspection.config.local.isolation).toBe('bubblewrap');
    await expect(loadConfig({ cwd: project, env })).rejects.toThrow(/cannot turn isolation off/);
  });

  it("keeps the project's other [local] keys beside the user's choice", async () => {
    await writeUserConfig('[local]\nisolation = "none"\n');
    await writeFile(join(project, 'agentkernel.toml'), '[local]\ncache_dir = ".cache"\n');
    const loaded = await loadConfig({ cwd: project, env });
    expect(loaded.config.local).toEqual({ isolation: 'none', cache_dir: '.cache' });
  });
});

describe('the user-level config', () => {
  it('reads only [local], warning about other tables by file and line', async () => {
    const file = await writeUserConfig('[sandbox]\nname = "mine"\n\n[local]\nisolation = "bubblewrap"\n');
    const loaded = await loadConfig({ cwd: project, env });
    expect(loaded.config.sandbox).toEqual({});
    expect(loaded.warnings.map(formatConfigIssue)).toEqual([
      `${file}:1: sandbox: only [local] is read from the user-level config (ignored); put it in agentkernel.toml`,
    ]);
  });

  it('is checked like any config file: errors name it', async () => {
    const file = await writeUserConfig('[local]\nisolation = "off"\n');
    const inspection = await inspectConfig({ cwd: project, env });
    expect(inspection.errors.map(formatConfigIssue)).toEqual([
      `${file}:2: local.isolation: must be "bubblewrap" or "none", got "off"`,
    ]);
  });

  it('is not read when no environment is given', async () => {
    await writeUserConfig('[local]\nisolation = "none"\n');
    const loaded = await loadConfig({ cwd: project });
    expect(loaded.config.local.isolation).toBe('bubblewrap');
  });
});
