import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  clearSecrets,
  defaultConfig,
  findProjectRoot,
  formatConfigIssue,
  loadConfig,
  redact,
} from '../../src/index.js';

let root: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'ak-config-')));
});

afterEach(async () => {
  clearSecrets();
  await rm(root, { recursive: true, force: true });
});

async function write(path: string, text: string): Promise<string> {
  const file = join(root, path);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  return file;
}

async function loadError(options: { cwd: string; configPath?: string }): Promise<ConfigError> {
  const error: unknown = await loadConfig(options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('loadConfig search', () => {
  it('finds agentkernel.toml upward from a nested folder, up to the project root', async () => {
    await write('project/package.json', '{}');
    const file = await write('project/agentkernel.toml', '[sandbox]\nname = "found"\n');
    const cwd = join(root, 'project/src/deep/er');
    await mkdir(cwd, { recursive: true });

    const loaded = await loadConfig({ cwd });
    expect(loaded.file).toBe(file);
    expect(loaded.projectRoot).toBe(join(root, 'project'));
    expect(loaded.config.sandbox.name).toBe('found');
    expect(loaded.keyLines['sandbox.name']).toBe(2);
  });

  it('stops at the project root: a file above it is not read', async () => {
    await write('agentkernel.toml', '[sandbox]\nname = "outside"\n');
    await write('project/.git/HEAD', 'ref: refs/heads/main\n');
    const cwd = join(root, 'project/src');
    await mkdir(cwd, { recursive: true });

    const loaded = await loadConfig({ cwd });
    expect(loaded).toEqual({
      projectRoot: join(root, 'project'),
      config: defaultConfig(),
      warnings: [],
      keyLines: {},
    });
  });

  it('stops at the nearest package.json even inside a git repository', async () => {
    await write('repo/.git/HEAD', 'ref: refs/heads/main\n');
    await write('repo/agentkernel.toml', '[sandbox]\nname = "repo"\n');
    await write('repo/packages/app/package.json', '{}');
    const cwd = join(root, 'repo/packages/app');

    const loaded = await loadConfig({ cwd });
    expect(loaded.file).toBeUndefined();
    expect(loaded.projectRoot).toBe(cwd);
  });

  it('takes the nearest file when there are several', async () => {
    await write('project/package.json', '{}');
    await write('project/agentkernel.toml', '[sandbox]\nname = "top"\n');
    const nearer = await write('project/sub/agentkernel.toml', '[sandbox]\nname = "sub"\n');
    const cwd = join(root, 'project/sub/dir');
    await mkdir(cwd, { recursive: true });

    const loaded = await loadConfig({ cwd });
    expect(loaded.file).toBe(nearer);
    expect(loaded.config.sandbox.name).toBe('sub');
  });

  it('reads an empty file as the defaults, without searching further up', async () => {
    await write('project/package.json', '{}');
    await write('project/agentkernel.toml', '[sandbox]\nname = "top"\n');
    const empty = await write('project/sub/agentkernel.toml', '');

    const loaded = await loadConfig({ cwd: join(root, 'project/sub') });
    expect(loaded).toEqual({
      file: empty,
      projectRoot: join(root, 'project'),
      config: defaultConfig(),
      warnings: [],
      keyLines: {},
    });
  });

  it("ignores the user's global config folder, even a malformed file there", async () => {
    const previous = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = join(root, 'xdg');
    try {
      await write('xdg/agentkernel/config.yaml', 'sandbox: [unclosed\n');
      await write('project/package.json', '{}');

      const loaded = await loadConfig({ cwd: join(root, 'project') });
      expect(loaded.file).toBeUndefined();
      expect(loaded.config).toEqual(defaultConfig());
    } finally {
      if (previous === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = previous;
    }
  });

  it('returns warnings and resolves plugin paths against the file', async () => {
    await write('project/package.json', '{}');
    const file = await write(
      'project/agentkernel.toml',
      '[plugins]\npaths = ["./plugins/acme"]\n[security]\nmount_home = true\n',
    );

    const loaded = await loadConfig({ cwd: join(root, 'project') });
    expect(loaded.config.plugins.paths).toEqual([join(root, 'project/plugins/acme')]);
    expect(loaded.warnings.map(formatConfigIssue)).toEqual([
      `${file}:4: security.mount_home: unknown key (ignored); expected one of: profile, network, mount_cwd`,
    ]);
  });

  it('throws a ConfigError listing every error with file and line', async () => {
    await write('project/package.json', '{}');
    const file = await write(
      'project/agentkernel.toml',
      '[resources]\nvcpus = 0\n[network]\nports = [70000]\n',
    );

    const error = await loadError({ cwd: join(root, 'project') });
    expect(error.issues.map(formatConfigIssue)).toEqual([
      `${file}:2: resources.vcpus: must be at least 1, got 0`,
      `${file}:4: network.ports[0]: must be between 1 and 65535, got 70000`,
    ]);
    expect(error.message).toBe(
      `[agentkernel] ${file}:2: resources.vcpus: must be at least 1, got 0\n${file}:4: network.ports[0]: must be between 1 and 65535, got 70000`,
    );
    expect(error.exitCode).toBe(2);
  });

  it('registers inline secrets with the redactor as soon as the file is read', async () => {
    await write('project/package.json', '{}');
    await write('project/agentkernel.toml', '[remote.e2b]\napi_key = "e2b_inline_secret_42"\n');

    const loaded = await loadConfig({ cwd: join(root, 'project') });
    expect(redact('key is e2b_inline_secret_42')).toBe('key is ***');
    expect(JSON.stringify(loaded.warnings)).not.toContain('e2b_inline_secret_42');
  });
});

describe('loadConfig with an explicit path', () => {
  it('reads the given file, relative to cwd, whatever its name', async () => {
    await write('project/package.json', '{}');
    await write('project/agentkernel.toml', '[sandbox]\nname = "searched"\n');
    const file = await write('project/conf/staging.conf', '[sandbox]\nname = "explicit"\n');

    const loaded = await loadConfig({ cwd: join(root, 'project'), configPath: 'conf/staging.conf' });
    expect(loaded.file).toBe(file);
    expect(loaded.config.sandbox.name).toBe('explicit');
    expect(loaded.projectRoot).toBe(join(root, 'project'));
  });

  it('is a ConfigError naming the file when it does not exist', async () => {
    const missing = join(root, 'nope/agentkernel.toml');
    const error = await loadError({ cwd: root, configPath: 'nope/agentkernel.toml' });
    expect(error.message).toBe(`[agentkernel] ${missing}: config file not found`);
    expect(error.issues).toEqual([{ file: missing, message: 'config file not found' }]);
  });

  it('is a ConfigError when the path is a directory', async () => {
    const error = await loadError({ cwd: root, configPath: '.' });
    expect(error.message).toBe(
      `[agentkernel] ${root}: is a directory, not a regular file: cannot be a config file`,
    );
  });

  it('reports a syntax error with the line', async () => {
    const file = await write('bad.toml', '[sandbox]\nname = "x"\nname = "y"\n');
    const error = await loadError({ cwd: root, configPath: file });
    expect(error.issues.map(formatConfigIssue)).toEqual([
      `${file}:3: TOML syntax error: Duplicate property definition`,
    ]);
  });
});

describe('findProjectRoot', () => {
  it('is the nearest folder with package.json or .git, else the starting folder', async () => {
    await write('a/package.json', '{}');
    await mkdir(join(root, 'a/b/c'), { recursive: true });
    expect(await findProjectRoot(join(root, 'a/b/c'))).toBe(join(root, 'a'));
    await mkdir(join(root, 'a/b/.git'));
    expect(await findProjectRoot(join(root, 'a/b/c'))).toBe(join(root, 'a/b'));
  });
});
