// Bundles the CLI so a cold start loads a few files instead of ~60 modules: dist/bin.js holds the startup
// path (argument parsing, command definitions, yargs); each command's handler becomes a chunk under
// dist/chunks/, imported only when that command runs. @agentkernel/core and plugins are never bundled:
// plugins must share the CLI's copy of core, and they are found at run time.
import { chmod, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
await rm(`${dist}chunks`, { recursive: true, force: true });

await build({
  entryPoints: [`${dist}bin.js`],
  outdir: dist,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@agentkernel/*'],
  alias: { 'string-width': `${dist}output/text-width.js` },
  // yargs' ESM build still calls require() for a few built-ins.
  banner: { js: "import { createRequire as __agentkernelRequire } from 'node:module';\nconst require = __agentkernelRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
await chmod(`${dist}bin.js`, 0o755);
// tsc's map describes the unbundled file.
await rm(`${dist}bin.js.map`, { force: true });
