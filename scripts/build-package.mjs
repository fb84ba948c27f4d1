// The one build every package runs (`"build": "node ../../scripts/build-package.mjs"`): tsc checks the
// types and writes the declarations, then esbuild bundles each entry point the package publishes (its
// `exports`, its `bin`, and a plugin's `testing/serve.js`) with the package version written in.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleDist } from './bundle-dist.mjs';
import { PACKAGE_VERSION_GLOBAL } from './package-version.mjs';

const DIST = './dist/';

function distEntry(target, where) {
  if (!target.startsWith(DIST) || !target.endsWith('.js'))
    throw new Error(`${where} must point into ${DIST} at a .js file, not ${target}`);
  return target.slice(DIST.length);
}

/** The files under dist/ that a package publishes as entry points, relative to dist/. */
export function entriesOf(pkg, dir) {
  const entries = new Set();
  for (const [subpath, value] of Object.entries(pkg.exports ?? {})) {
    if (subpath === './package.json') continue;
    const target = typeof value === 'string' ? value : value.default;
    entries.add(distEntry(target, `exports["${subpath}"].default`));
  }
  for (const [name, target] of Object.entries(pkg.bin ?? {})) entries.add(distEntry(target, `bin.${name}`));
  if (existsSync(join(dir, 'src/testing/serve.ts'))) entries.add('testing/serve.js');
  return [...entries];
}

/**
 * Builds the package in `dir`. `options` are passed on to esbuild through bundleDist (the CLI adds an
 * alias and a banner).
 */
export async function buildPackage(dir, options = {}) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const dist = join(dir, 'dist');
  await rm(dist, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  await bundleDist({
    dist,
    entries: entriesOf(pkg, dir),
    define: { [PACKAGE_VERSION_GLOBAL]: JSON.stringify(pkg.version) },
    ...options,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await buildPackage(process.cwd());
  } catch (error) {
    // tsc has printed its diagnostics already.
    if (error?.status === undefined) console.error(error);
    process.exit(1);
  }
}
