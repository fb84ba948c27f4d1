// Bundles the startup path (bin, argument parsing, command definitions, yargs) into dist/bin.js, so a
// cold `agentkernel --help` loads one file instead of ~50 modules. Command handlers stay separate
// modules under dist/handlers/ and are imported only when their command runs; @agentkernel/core and
// plugins are never part of the bundle.
import { chmod, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

await build({
  entryPoints: [`${dist}bin.js`],
  outfile: `${dist}bin.js`,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Handlers, the error reporter and core load lazily, from their own files.
  external: ['./handlers/*', './report.js', '@agentkernel/*'],
  alias: { 'string-width': `${dist}output/text-width.js` },
  // yargs' ESM build still calls require() for a few built-ins.
  banner: { js: "import { createRequire as __agentkernelRequire } from 'node:module';\nconst require = __agentkernelRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
await chmod(`${dist}bin.js`, 0o755);
// tsc's map describes the unbundled file.
await rm(`${dist}bin.js.map`, { force: true });
