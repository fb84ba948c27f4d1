import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discoverPlugins,
  findCandidate,
  loadPlugin,
  PluginLoader,
  PluginLoadError,
  PluginNotFoundError,
  UnsupportedSpecificationError,
  UsageError,
  type Discovery,
  type PluginCandidate,
} from '../../src/index.js';
import { declare, makeWorld, type World } from './world.js';

let world: World;
let discovery: Discovery;

function candidate(name: string): PluginCandidate {
  const found = discovery.plugins.filter((p) => p.name === name);
  expect(found, `candidates named ${name}`).toHaveLength(1);
  return found[0]!;
}

beforeAll(async () => {
  world = await makeWorld();
  await declare(world.projectDir, 'dependencies', {
    '@agentkernel/backend-beside': '^1.0.0', // declared but installed only beside the CLI
    'agentkernel-backend-missing': '^1.0.0',
    'left-pad': '^1.3.0',
  });
  await declare(world.projectDir, 'optionalDependencies', { 'agentkernel-backend-optional': '^1.0.0' });
  const broken = join(world.globalModules, 'agentkernel-backend-broken');
  await mkdir(broken);
  await writeFile(join(broken, 'package.json'), '{ "name": "agentkernel-backend-broken", ');
  discovery = await discoverPlugins({
    projectDir: world.projectDir,
    cliDir: world.cliDir,
    paths: [
      '../fixtures/path-folder',
      join(world.fixtures, 'path-file', 'zeta.js'),
      '../fixtures/path-file/misnamed.js',
      'nowhere',
    ],
  });
}, 60_000);

afterAll(async () => {
  await rm(world.root, { recursive: true, force: true });
});

describe('discoverPlugins', () => {
  it('finds plugins through every route in precedence and declaration order, each package once', () => {
    const seen = discovery.plugins.map((p) => `${p.name} ${p.packageName} ${p.origin}`);
    expect(seen).toEqual([
      'mine my-backend-dev config',
      `zeta ${join(world.fixtures, 'path-file', 'zeta.js')} config`,
      `misnamed ${join(world.fixtures, 'path-file', 'misnamed.js')} config`,
      'dup @acme/agentkernel-backend-dup project',
      'y @acme/agentkernel-backend-y project',
      'future @agentkernel/backend-future project',
      'good @agentkernel/backend-good project',
      'throws @agentkernel/backend-throws project',
      'dup agentkernel-backend-dup project',
      'x agentkernel-backend-x project',
      'beside @agentkernel/backend-beside project',
      'clidep @agentkernel/backend-clidep cli',
      'z @other/agentkernel-backend-z beside-cli',
      'broken agentkernel-backend-broken beside-cli',
    ]);
  });

  it('prefers the project copy of a package also installed beside the CLI', () => {
    expect(candidate('good').dir).toBe(
      join(world.projectDir, 'node_modules', '@agentkernel', 'backend-good'),
    );
  });

  it('resolves a declared dependency from the CLI when the project does not have it', () => {
    expect(candidate('beside').dir).toBe(join(world.globalModules, '@agentkernel', 'backend-beside'));
    expect(candidate('clidep').dir).toBe(
      join(world.cliDir, 'node_modules', '@agentkernel', 'backend-clidep'),
    );
  });

  it('reads the "agentkernel" field of package.json, and reports unknown without it', () => {
    expect(candidate('good')).toMatchObject({
      version: '1.0.0',
      specificationVersion: 'agentkernel-backend-v1',
      status: 'ready',
      description: 'A well-formed plugin',
    });
    expect(candidate('y').status).toBe('stub');
    const x = candidate('x');
    expect(x).toMatchObject({ version: '0.3.0', status: 'unknown' });
    expect(x.specificationVersion).toBeUndefined();
    expect(candidate('mine')).toMatchObject({
      packageName: 'my-backend-dev',
      status: 'ready',
      version: '0.0.1',
    });
  });

  it('warns about broken, missing and conflicting plugins instead of failing', () => {
    const text = discovery.warnings.join('\n');
    expect(text).toMatch(
      /@agentkernel\/backend-future .* declares specificationVersion "agentkernel-backend-v9"; this agentkernel supports agentkernel-backend-v1/,
    );
    expect(text).toMatch(
      /agentkernel-backend-missing is declared in .*project\/package\.json but is not installed: run npm install/,
    );
    expect(text).toMatch(
      /agentkernel-backend-broken cannot be used: .*agentkernel-backend-broken\/package\.json is not valid JSON/,
    );
    expect(text).toMatch(/"nowhere" \(.*project\/nowhere\) cannot be used/);
    expect(text).toContain(
      'backend "dup" is provided by more than one package: @acme/agentkernel-backend-dup (',
    );
    expect(text).not.toContain('optional');
    expect(text).not.toContain('left-pad');
    expect(discovery.warnings).toHaveLength(5);
    expect(discovery.conflicts).toEqual([
      { name: 'dup', packages: ['@acme/agentkernel-backend-dup', 'agentkernel-backend-dup'] },
    ]);
  });

  it('lists without importing any plugin module, and imports on load', async () => {
    const marker = join(candidate('good').dir, 'imported.marker');
    const again = await discoverPlugins({ projectDir: world.projectDir, cliDir: world.cliDir });
    expect(again.plugins.map((p) => p.name)).toContain('throws');
    expect(existsSync(marker)).toBe(false);
    const plugin = await loadPlugin(candidate('good'));
    expect(plugin.name).toBe('good');
    expect(existsSync(marker)).toBe(true);
  });

  it('copes with a project without package.json and a CLI outside node_modules', async () => {
    const empty = join(world.root, 'empty');
    await mkdir(empty, { recursive: true });
    const result = await discoverPlugins({ projectDir: empty, cliDir: join(world.fixtures, 'clidep') });
    expect(result).toEqual({ plugins: [], warnings: [], conflicts: [] });
  });
});

describe('findCandidate', () => {
  it('accepts a backend name or a full package name', () => {
    expect(findCandidate(discovery, 'y').packageName).toBe('@acme/agentkernel-backend-y');
    expect(findCandidate(discovery, 'z').packageName).toBe('@other/agentkernel-backend-z');
    expect(findCandidate(discovery, 'agentkernel-backend-dup').packageName).toBe('agentkernel-backend-dup');
  });

  it('refuses a name two packages claim, naming both', () => {
    const error = catchError(() => findCandidate(discovery, 'dup'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('@acme/agentkernel-backend-dup');
    expect(error.message).toContain('agentkernel-backend-dup (');
    expect((error as UsageError).hint).toContain(
      '--backend @acme/agentkernel-backend-dup or --backend agentkernel-backend-dup',
    );
  });

  it('reports a missing plugin with the install command', () => {
    const error = catchError(() => findCandidate(discovery, 'daytona')) as PluginNotFoundError;
    expect(error).toBeInstanceOf(PluginNotFoundError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('no backend plugin "daytona" is installed');
    expect(error.hint).toBe('install it: npm install @agentkernel/backend-daytona');
    const scoped = catchError(() =>
      findCandidate(discovery, '@acme/agentkernel-backend-q'),
    ) as PluginNotFoundError;
    expect(scoped.hint).toBe('install it: npm install @acme/agentkernel-backend-q');
  });

  it('never guesses a package name: planned backends are "not available yet", unknown names get no hint', () => {
    const planned = catchError(() => findCandidate(discovery, 'docker')) as PluginNotFoundError;
    expect(planned.hint).toBe('"docker" is an agentkernel backend that is not available yet in this tool');
    const unknown = catchError(() => findCandidate(discovery, 'nimbus')) as PluginNotFoundError;
    expect(unknown.message).toContain('no backend plugin "nimbus" is installed');
    expect(unknown.hint).toBeUndefined();
  });

  it('rejects a malformed --backend value as a usage error', () => {
    expect(() => findCandidate(discovery, '../evil')).toThrow(UsageError);
    expect(() => findCandidate(discovery, '@acme/not-a-plugin')).toThrow(/not a backend package name/);
  });
});

describe('loadPlugin', () => {
  it('loads scoped, unscoped, exports-mapped and path plugins', async () => {
    for (const name of ['x', 'y', 'z', 'beside', 'clidep', 'mine', 'zeta']) {
      expect((await loadPlugin(candidate(name))).name).toBe(name);
    }
  });

  it('honours the export conditions it is given', async () => {
    await expect(loadPlugin(candidate('y'), { conditions: ['require'] })).rejects.toThrow(
      /@acme\/agentkernel-backend-y .* cannot be loaded: its "exports" map has no "\." entry for conditions require, default/,
    );
  });

  it('turns an import-time exception into a clear error that keeps the cause', async () => {
    const error = await loadPlugin(candidate('throws')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginLoadError);
    expect((error as PluginLoadError).message).toMatch(
      /@agentkernel\/backend-throws: importing .*index\.js failed: backend-throws fails at import time/,
    );
    expect(((error as PluginLoadError).cause as Error).message).toBe('backend-throws fails at import time');
  });

  it('refuses an unknown specification version before importing', async () => {
    const error = await loadPlugin(candidate('future')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedSpecificationError);
    expect((error as Error).message).toContain(
      '"@agentkernel/backend-future" declares specificationVersion "agentkernel-backend-v9"',
    );
    expect((error as Error).message).toContain('supports agentkernel-backend-v1');
    const undeclared = { ...candidate('future'), specificationVersion: undefined, problem: undefined };
    await expect(loadPlugin(undeclared)).rejects.toThrow(
      /plugin "future" declares specificationVersion "agentkernel-backend-v9"/,
    );
  });

  it('refuses a plugin whose package.json is unreadable', async () => {
    await expect(loadPlugin(candidate('broken'))).rejects.toThrow(PluginLoadError);
    await expect(loadPlugin(candidate('broken'))).rejects.toThrow(/package\.json is not valid JSON/);
  });

  it('refuses a module that names a different backend than it was found as', async () => {
    const error = (await loadPlugin(candidate('misnamed')).catch((e: unknown) => e)) as PluginLoadError;
    expect(error).toBeInstanceOf(PluginLoadError);
    expect(error.message).toContain('exports backend "actual", but was discovered as "misnamed"');
    expect(error.hint).toBe('name the file actual.js');
  });
});

describe('PluginLoader', () => {
  it('loads by name once, and reports every failing plugin as a warning in loadAll', async () => {
    const loader = new PluginLoader({ projectDir: world.projectDir, cliDir: world.cliDir });
    const first = await loader.load('x');
    expect(first.plugin.name).toBe('x');
    expect((await loader.load('agentkernel-backend-x')).plugin).toBe(first.plugin);
    await expect(loader.load('nope')).rejects.toThrow(PluginNotFoundError);

    const { loaded, warnings } = await loader.loadAll();
    expect(loaded.map((l) => l.plugin.name).sort()).toEqual([
      'beside',
      'clidep',
      'dup',
      'dup',
      'good',
      'x',
      'y',
      'z',
    ]);
    const discoveryWarnings = (await loader.discover()).warnings;
    expect(warnings.slice(0, discoveryWarnings.length)).toEqual(discoveryWarnings);
    const loadWarnings = warnings.slice(discoveryWarnings.length);
    expect(loadWarnings).toHaveLength(1);
    expect(loadWarnings[0]).toMatch(/^@agentkernel\/backend-throws: importing .* failed/);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
