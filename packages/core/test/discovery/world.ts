import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const NPM_FLAGS = ['--offline', '--no-audit', '--no-fund', '--install-links', '--loglevel=error'];

/** A temporary machine: a user project with plugins installed by npm, and a global npm prefix. */
export interface World {
  root: string;
  projectDir: string;
  /** The CLI package folder inside the global `node_modules`. */
  cliDir: string;
  globalModules: string;
  fixtures: string;
}

/**
 * Installs the fixture plugins as real packages with npm (offline: they are local folders), the way a
 * user would: some into the project, the CLI and others globally beside it.
 */
export async function makeWorld(): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'agentkernel-discovery-'));
  const fixtures = join(root, 'fixtures');
  await cp(FIXTURES, fixtures, { recursive: true });
  const cliManifest = join(fixtures, 'cli', 'package.json');
  const cli = JSON.parse(await readFile(cliManifest, 'utf8'));
  cli.dependencies['@agentkernel/backend-clidep'] = `file:${join(fixtures, 'clidep')}`;
  await writeFile(cliManifest, JSON.stringify(cli, null, 2));

  const prefix = join(root, 'global');
  const globalFolders = ['cli', 'beside', 'z', 'good'].map((name) => join(fixtures, name));
  await run('npm', ['install', '--global', '--prefix', prefix, ...NPM_FLAGS, ...globalFolders], {
    cwd: root,
  });

  const projectDir = join(root, 'project');
  await mkdir(projectDir);
  await writeFile(join(projectDir, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  const projectFolders = ['good', 'throws', 'future', 'x', 'y', 'dup-a', 'dup-b'].map((name) =>
    join(fixtures, name),
  );
  await run('npm', ['install', ...NPM_FLAGS, ...projectFolders], { cwd: projectDir });

  const globalModules = join(prefix, 'lib', 'node_modules');
  return { root, projectDir, cliDir: join(globalModules, '@agentkernel', 'cli'), globalModules, fixtures };
}

/** Adds dependency declarations to the project's package.json without installing them. */
export async function declare(
  projectDir: string,
  field: string,
  dependencies: Record<string, string>,
): Promise<void> {
  const file = join(projectDir, 'package.json');
  const json = JSON.parse(await readFile(file, 'utf8'));
  json[field] = { ...json[field], ...dependencies };
  await writeFile(file, JSON.stringify(json, null, 2));
}
