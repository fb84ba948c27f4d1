import { PluginNotFoundError, UsageError } from '../errors/errors.js';
import { conflictMessage } from './discover.js';
import { backendNameFromPackage, isPackageSpecifier, packageNamesFor } from './naming.js';
import type { Discovery, PluginCandidate } from './types.js';

/** The backends this repository publishes a plugin for, as `@agentkernel/backend-<name>`. */
const PUBLISHED_BACKENDS: ReadonlySet<string> = new Set([
  'local',
  'daytona',
  'e2b',
  'modal',
  'runloop',
  'agentcomputer',
]);

/** agentkernel's other backends (its `--backend` values), which have no plugin here yet. */
const PLANNED_BACKENDS: ReadonlySet<string> = new Set([
  'docker',
  'podman',
  'firecracker',
  'apple',
  'hyperlight',
  'kubernetes',
  'k8s',
  'nomad',
]);

/**
 * What a missing plugin's error suggests: the install command for a package the user named or that this
 * repository publishes, a plain "not available yet" for agentkernel's backends that have no plugin, and
 * nothing for other names (a package name guessed from them could be anybody's, or nobody's).
 */
function notFound(name: string, packageName: string, named = false): PluginNotFoundError {
  const ours = named || (packageName === `@agentkernel/backend-${name}` && PUBLISHED_BACKENDS.has(name));
  const hint = ours
    ? `install it: npm install ${packageName}`
    : PLANNED_BACKENDS.has(name.toLowerCase())
      ? `"${name}" is an agentkernel backend that is not available yet in this tool`
      : undefined;
  return new PluginNotFoundError(name, packageName, { hint });
}

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
    throw notFound(backendNameFromPackage(backend) ?? backend, backend, true);
  }
  const matches = discovery.plugins.filter((p) => p.name === backend);
  const [first] = matches;
  if (first === undefined) throw notFound(backend, packageNames[0] ?? backend);
  if (matches.length > 1) {
    const conflict = { name: backend, packages: matches.map((p) => p.packageName) };
    throw new UsageError(conflictMessage(conflict, discovery.plugins), {
      hint: `uninstall all but one, or pick one by package name: --backend ${conflict.packages.join(' or --backend ')}`,
    });
  }
  return first;
}
