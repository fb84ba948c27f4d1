import { isAbsolute, join, normalize, relative } from 'node:path';
import { exists, type PackageJson } from './package-json.js';

/** The export conditions used to pick a plugin's entry point, as Node's `import` would. */
export const DEFAULT_CONDITIONS: readonly string[] = ['node', 'import'];

/**
 * The file `import(packageName)` would load for the package in `dir`, following its `exports` map (the
 * `.` entry, matching `conditions` plus `default` in key order, as Node does) or else `main`/`index.js`.
 * Returns a problem description instead when no such file exists.
 */
export async function resolveEntry(
  dir: string,
  json: PackageJson,
  conditions: readonly string[] = DEFAULT_CONDITIONS,
): Promise<{ file: string } | { problem: string }> {
  if (json.exports !== undefined && json.exports !== null) {
    const target = resolveTarget(rootExport(json.exports), new Set(conditions));
    if (target === undefined) {
      return {
        problem: `its "exports" map has no "." entry for conditions ${[...conditions, 'default'].join(', ')}`,
      };
    }
    const file = join(dir, target);
    if (!target.startsWith('./') || !inside(dir, file)) {
      return { problem: `its "exports" target ${JSON.stringify(target)} is not a path inside the package` };
    }
    return (await exists(file))
      ? { file }
      : { problem: `its entry ${file} does not exist (is the package built?)` };
  }
  const main = typeof json.main === 'string' ? json.main : 'index.js';
  const tried = [main, `${main}.js`, join(main, 'index.js')].map((name) => join(dir, name));
  for (const file of tried) {
    if (inside(dir, file) && (await exists(file))) return { file };
  }
  return { problem: `its entry ${tried[0] ?? main} does not exist (is the package built?)` };
}

function rootExport(exports: unknown): unknown {
  if (typeof exports !== 'object' || exports === null || Array.isArray(exports)) return exports;
  const map = exports as Record<string, unknown>;
  return Object.keys(map).some((key) => key.startsWith('.')) ? map['.'] : map;
}

function resolveTarget(target: unknown, conditions: ReadonlySet<string>): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const resolved = resolveTarget(item, conditions);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  }
  if (typeof target !== 'object' || target === null) return undefined;
  for (const [key, value] of Object.entries(target)) {
    if (key !== 'default' && !conditions.has(key)) continue;
    const resolved = resolveTarget(value, conditions);
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

function inside(dir: string, file: string): boolean {
  const rel = relative(dir, normalize(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
