import { SUPPORTED_SPECIFICATION_VERSIONS, type Discovery, type PluginCandidate } from '@agentkernel/core';

/** How `plugins list` and `doctor` show a plugin without importing it. */
export interface PluginView {
  readonly name: string;
  readonly package: string;
  readonly version: string;
  readonly specificationVersion: string | null;
  /** `ready`, `stub`, `unknown` (its package.json does not say), or `broken` (it cannot be loaded). */
  readonly status: 'ready' | 'stub' | 'unknown' | 'broken';
  readonly origin: PluginCandidate['origin'];
  readonly description: string | null;
  readonly dir: string;
  /** Why it is broken, when it is. */
  readonly problem: string | null;
}

export function pluginView(candidate: PluginCandidate, discovery: Discovery): PluginView {
  const conflict = discovery.conflicts.find((c) => c.name === candidate.name);
  const spec = candidate.specificationVersion;
  let problem = candidate.problem ?? null;
  if (problem === null && spec !== undefined && !SUPPORTED_SPECIFICATION_VERSIONS.includes(spec)) {
    problem = `declares ${spec}; this agentkernel supports ${SUPPORTED_SPECIFICATION_VERSIONS.join(', ')}`;
  }
  if (problem === null && conflict) {
    problem = `backend name "${candidate.name}" is also claimed by ${conflict.packages.filter((p) => p !== candidate.packageName).join(', ')}`;
  }
  return {
    name: candidate.name,
    package: candidate.packageName,
    version: candidate.version,
    specificationVersion: spec ?? null,
    status: problem === null ? candidate.status : 'broken',
    origin: candidate.origin,
    description: candidate.description ?? null,
    dir: candidate.dir,
    problem,
  };
}
