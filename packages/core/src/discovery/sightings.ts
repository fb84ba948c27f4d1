import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { backendNameFromPackage, isPluginPackageName } from './naming.js';
import {
  dependencyNames,
  findNearestPackageJson,
  readPackageJson,
  resolvePackageDir,
} from './package-json.js';
import { messageOf } from '../errors/errors.js';
import type { PluginOrigin } from './types.js';

/** A place where a plugin may live, before its `package.json` is read. */
export interface Sighting {
  origin: PluginOrigin;
  dir: string;
  /** The name it is installed under, when known before reading its `package.json`. */
  packageName?: string;
  /** For a `.js` file path: the file, and the backend name taken from its file name. */
  file?: string;
  fileBackend?: string;
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/** `[plugins] paths` entries: a folder with a `package.json`, or a `.js`/`.mjs`/`.cjs` file. */
export async function configSightings(
  paths: readonly string[],
  projectDir: string,
  warnings: string[],
): Promise<Sighting[]> {
  const out: Sighting[] = [];
  for (const path of paths) {
    const absolute = resolve(projectDir, path);
    let info;
    try {
      info = await stat(absolute);
    } catch (error) {
      warnings.push(
        `[plugins] paths: ${JSON.stringify(path)} (${absolute}) cannot be used: ${messageOf(error)}`,
      );
      continue;
    }
    if (info.isDirectory()) {
      out.push({ origin: 'config', dir: await realpath(absolute) });
    } else if (MODULE_EXTENSIONS.has(extname(absolute))) {
      const file = await realpath(absolute);
      // A lone module has no package.json to name it, so its file name does: `acme.js` or
      // `agentkernel-backend-acme.js` provides `acme` (checked against the plugin's own name on load).
      const stem = basename(file, extname(file));
      out.push({
        origin: 'config',
        dir: dirname(file),
        file,
        fileBackend: backendNameFromPackage(stem) ?? stem,
      });
    } else {
      warnings.push(
        `[plugins] paths: ${JSON.stringify(path)} (${absolute}) is neither a folder nor a .js file`,
      );
    }
  }
  return out;
}

/**
 * Plugin packages declared in the `package.json` nearest to `fromDir`, each resolved from `resolveFrom`
 * in order. A declared but uninstalled plugin is a warning, unless it is an optional dependency.
 */
export async function declaredSightings(
  origin: PluginOrigin,
  fromDir: string,
  fields: readonly string[],
  resolveFrom: readonly string[],
  warnings: string[],
): Promise<{ sightings: Sighting[]; packageDir: string | undefined }> {
  const file = await findNearestPackageJson(fromDir);
  if (file === undefined) return { sightings: [], packageDir: undefined };
  const read = await readPackageJson(file);
  if (!read.ok) {
    warnings.push(`cannot look for plugins declared in ${file}: ${read.problem}`);
    return { sightings: [], packageDir: dirname(file) };
  }
  const optional = new Set(dependencyNames(read.json.optionalDependencies));
  const names = new Set(
    fields.flatMap((field) => dependencyNames(read.json[field])).filter(isPluginPackageName),
  );
  // Resolved concurrently, reported in declaration order so that output is stable.
  const found = await Promise.all(
    [...names].map(async (packageName): Promise<Sighting | string | undefined> => {
      for (const dir of [dirname(file), ...resolveFrom]) {
        const packageDir = await resolvePackageDir(packageName, dir);
        if (packageDir !== undefined) return { origin, dir: packageDir, packageName };
      }
      if (optional.has(packageName)) return undefined;
      return `${packageName} is declared in ${file} but is not installed: run npm install`;
    }),
  );
  const sightings: Sighting[] = [];
  for (const item of found) {
    if (typeof item === 'string') warnings.push(item);
    else if (item !== undefined) sightings.push(item);
  }
  return { sightings, packageDir: dirname(file) };
}

/**
 * Plugin packages installed in the `node_modules` folder that holds the CLI package, as a global
 * `npm i -g @agentkernel/cli @agentkernel/backend-e2b` leaves them. Both the CLI folder as given and its
 * real path are looked at, since package managers that link packages put the siblings beside the link.
 */
export async function besideSightings(cliPackageDir: string): Promise<Sighting[]> {
  const roots = new Set<string>();
  for (const dir of new Set([cliPackageDir, await realpath(cliPackageDir).catch(() => cliPackageDir)])) {
    const parent = dirname(dir);
    if (basename(parent) === 'node_modules') roots.add(parent);
    else if (basename(parent).startsWith('@') && basename(dirname(parent)) === 'node_modules')
      roots.add(dirname(parent));
  }
  const out: Sighting[] = [];
  for (const root of roots) {
    for (const entry of await listDir(root)) {
      if (entry.startsWith('@')) {
        for (const inner of await listDir(join(root, entry))) out.push(...beside(root, `${entry}/${inner}`));
      } else {
        out.push(...beside(root, entry));
      }
    }
  }
  return Promise.all(out.map(async (s) => ({ ...s, dir: await realpath(s.dir).catch(() => s.dir) })));
}

function beside(root: string, packageName: string): Sighting[] {
  return isPluginPackageName(packageName)
    ? [{ origin: 'beside-cli', dir: join(root, packageName), packageName }]
    : [];
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}
