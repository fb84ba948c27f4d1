// Builds the CLI with the shared pipeline (scripts/build-package.mjs) so a cold start loads a few files:
// dist/bin.js holds the startup path (argument parsing, command definitions, yargs); each command's
// handler becomes a chunk, imported only when that command runs. @agentkernel/core and plugins are never
// bundled in: plugins must share the CLI's copy of core, and they are found at run time.
import { chmod } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildPackage } from '../../../scripts/build-package.mjs';

const dir = fileURLToPath(new URL('..', import.meta.url));
await buildPackage(dir, {
  // Fastify is loaded from node_modules only when `serve` runs; bundling it gains nothing.
  external: ['@agentkernel/*', 'fastify'],
  // The real string-width builds an Intl.Segmenter on import, 25-40 ms of every start.
  alias: { 'string-width': `${dir}dist/output/text-width.js` },
  // yargs' ESM build still calls require() for a few built-ins.
  banner:
    "import { createRequire as __agentkernelRequire } from 'node:module';\nconst require = __agentkernelRequire(import.meta.url);",
});
await chmod(`${dir}dist/bin.js`, 0o755);
