import { access, readFile, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { messageOf } from '../errors/errors.js';

/** A parsed `package.json`, as untrusted data. */
export type PackageJson = Readonly<Record<string, unknown>>;

export type ReadResult = { ok: true; json: PackageJson } | { ok: false; problem: string };

/** Reads and parses a `package.json`, describing the problem instead of throwing. */
export async function readPackageJson(file: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, problem: `cannot read ${file}: ${messageOf(error)}` };
  }
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return { ok: false, problem: `${file} does not hold a JSON object` };
    }
    return { ok: true, json: json as PackageJson };
  } catch (error) {
    return { ok: false, problem: `${file} is not valid JSON: ${messageOf(error)}` };
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The nearest `package.json` at or above `dir`. */
export async function findNearestPackageJson(dir: string): Promise<string | undefined> {
  for (let current = dir; ; current = dirname(current)) {
    const file = join(current, 'package.json');
    if (await exists(file)) return file;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * The folder of package `name` as Node would resolve it from `fromDir`, or `undefined`. Node's resolver
 * is tried first (it honours NODE_PATH), but a package whose `exports` map does not list
 * `./package.json` cannot be resolved that way, so the `node_modules` folders above are walked too.
 */
export async function resolvePackageDir(name: string, fromDir: string): Promise<string | undefined> {
  try {
    const file = createRequire(join(fromDir, 'noop.js')).resolve(`${name}/package.json`);
    return await realpath(dirname(file));
  } catch {
    // Not resolvable through Node's resolver; walk the node_modules folders ourselves.
  }
  for (let current = fromDir; ; current = dirname(current)) {
    if (basename(current) !== 'node_modules') {
      const dir = join(current, 'node_modules', name);
      if (await exists(join(dir, 'package.json'))) return realpath(dir);
    }
    if (dirname(current) === current) return undefined;
  }
}

/** Keys of the string-keyed object `value` (a dependencies map), or none. */
export function dependencyNames(value: unknown): string[] {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
}

export function stringField(
  json: PackageJson | Readonly<Record<string, unknown>>,
  key: string,
): string | undefined {
  const value = json[key];
  return typeof value === 'string' ? value : undefined;
}
