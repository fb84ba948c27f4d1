import { createRequire } from 'node:module';

/**
 * The CLI's version, from its package.json. Resolved through the package's own name, because bundling
 * moves this code to a chunk whose folder differs from the source file's.
 */
export function cliVersion(): string {
  return (createRequire(import.meta.url)('@agentkernel/cli/package.json') as { version: string }).version;
}
