// Bundles a package's compiled entry points in place (dist/<entry>.js), with code splitting into
// dist/chunks/, so a cold start loads a few files instead of dozens: each ESM module costs Node about a
// millisecond or two to resolve and link. tsc's per-file output is removed afterwards (its .d.ts stay).
import { readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

/**
 * @param {object} options
 * @param {string} options.dist absolute path of the package's dist folder
 * @param {string[]} options.entries entry files relative to dist, e.g. ['index.js']
 * @param {string[]} [options.external] packages never bundled (default: every dependency)
 * @param {Record<string, string>} [options.alias]
 * @param {string} [options.banner]
 * @param {Record<string, string>} [options.define]
 */
export async function bundleDist({ dist, entries, external, alias, banner, define }) {
  await rm(join(dist, 'chunks'), { recursive: true, force: true });
  const result = await build({
    entryPoints: entries.map((entry) => join(dist, entry)),
    outdir: dist,
    outbase: dist,
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    ...(external ? { external } : { packages: 'external' }),
    ...(alias ? { alias } : {}),
    ...(banner ? { banner: { js: banner } } : {}),
    ...(define ? { define } : {}),
    legalComments: 'none',
    logLevel: 'warning',
  });
  const kept = new Set(Object.keys(result.metafile.outputs).map((file) => relative(dist, file)));
  for (const file of await readdir(dist, { recursive: true })) {
    if (/\.js(\.map)?$/.test(file) && !kept.has(file.replace(/\.map$/, ''))) await rm(join(dist, file));
  }
  // tsc's maps describe the unbundled files.
  for (const entry of entries) await rm(join(dist, `${entry}.map`), { force: true });
}
