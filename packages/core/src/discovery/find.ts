import { PluginNotFoundError, UsageError } from '../errors/errors.js';
import { conflictMessage } from './discover.js';
import { backendNameFromPackage, isPackageSpecifier, packageNamesFor } from './naming.js';
import type { Discovery, PluginCandidate } from './types.js';

/**
 * The candidate a `--backend` value designates: a backend name (`e2b`) or a full package name
 * (`@acme/agentkernel-backend-e2b`). Throws `PluginNotFoundError` with the install command when nothing
 * provides it, and `UsageError` naming every package when several provide the name.
 */
export function findCandidate(discovery: Discovery, backend: string): PluginCandidate {
  const packageNames = packageNamesFor(backend);
  if (isPackageSpecifier(backend)) {
    const found = discovery.plugins.find((p) => p.packageName === backend);
    if (found !== undefined) return found;
    throw new PluginNotFoundError(backendNameFromPackage(backend) ?? backend, backend);
  }
  const matches = discovery.plugins.filter((p) => p.name === backend);
  const [first] = matches;
  if (first === undefined) throw new PluginNotFoundError(backend, packageNames[0] ?? backend);
  if (matches.length > 1) {
    const conflict = { name: backend, packages: matches.map((p) => p.packageName) };
    throw new UsageError(conflictMessage(conflict, discovery.plugins), {
      hint: `uninstall all but one, or pick one by package name: --backend ${conflict.packages.join(' or --backend ')}`,
    });
  }
  return first;
}
