import { join } from 'node:path';
import { SUPPORTED_SPECIFICATION_VERSIONS } from '../contract/backend.js';
import { backendNameFromPackage, isBackendName } from './naming.js';
import { readPackageJson, stringField } from './package-json.js';
import { besideSightings, configSightings, declaredSightings, type Sighting } from './sightings.js';
import type { DiscoverOptions, Discovery, PluginCandidate, PluginConflict } from './types.js';

const PROJECT_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];
// A published CLI has no devDependencies installed, so only what it ships with counts.
const CLI_FIELDS = ['dependencies', 'optionalDependencies'];

/**
 * Finds the backend plugins available to a CLI run, reading `package.json` files only: no plugin module
 * is imported. Sources, in precedence order: `[plugins] paths` (the user's explicit choice), the
 * project's declared dependencies (resolved from the project, then from the CLI), the CLI's own
 * dependencies, and plugin packages installed beside the CLI. A package found by several routes is kept
 * once, from the first. Broken plugins and conflicts become warnings; this function does not throw for
 * them.
 */
export async function discoverPlugins(options: DiscoverOptions): Promise<Discovery> {
  const warnings: string[] = [];
  const config = await configSightings(options.paths ?? [], options.projectDir, warnings);
  const cli = await declaredSightings('cli', options.cliDir, CLI_FIELDS, [], warnings);
  const cliDirs = cli.packageDir === undefined ? [] : [cli.packageDir];
  const project = await declaredSightings('project', options.projectDir, PROJECT_FIELDS, cliDirs, warnings);
  const beside = cli.packageDir === undefined ? [] : await besideSightings(cli.packageDir);

  const seen = new Set<string>();
  const unique = [...config, ...project.sightings, ...cli.sightings, ...beside].filter((sighting) => {
    const key = sighting.file ?? sighting.packageName ?? sighting.dir;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const built = await Promise.all(unique.map((sighting) => candidateFrom(sighting)));
  const plugins: PluginCandidate[] = [];
  const packageNames = new Set<string>();
  for (const result of built) {
    if (result.warning !== undefined) warnings.push(result.warning);
    // A config folder is only named once its package.json is read, so it may repeat a dependency.
    if (result.candidate === undefined || packageNames.has(result.candidate.packageName)) continue;
    packageNames.add(result.candidate.packageName);
    plugins.push(result.candidate);
  }
  const conflicts = findConflicts(plugins);
  for (const conflict of conflicts) warnings.push(conflictMessage(conflict, plugins));
  return { plugins, warnings, conflicts };
}

/** The message for two packages claiming one backend name, naming both. */
export function conflictMessage(conflict: PluginConflict, plugins: readonly PluginCandidate[]): string {
  const packages = conflict.packages.map((name) => {
    const candidate = plugins.find((p) => p.packageName === name);
    return candidate === undefined ? name : `${name} (${candidate.dir})`;
  });
  return `backend "${conflict.name}" is provided by more than one package: ${packages.join(' and ')}`;
}

function findConflicts(plugins: readonly PluginCandidate[]): PluginConflict[] {
  const byName = new Map<string, string[]>();
  for (const plugin of plugins)
    byName.set(plugin.name, [...(byName.get(plugin.name) ?? []), plugin.packageName]);
  return [...byName]
    .filter(([, packages]) => packages.length > 1)
    .map(([name, packages]) => ({ name, packages }));
}

interface Built {
  candidate?: PluginCandidate;
  warning?: string;
}

async function candidateFrom(sighting: Sighting): Promise<Built> {
  const { origin, dir } = sighting;
  if (sighting.file !== undefined) {
    const name = sighting.fileBackend ?? '';
    if (!isBackendName(name)) {
      return {
        warning: `${sighting.file}: cannot tell which backend it provides: name the file <backend>.js`,
      };
    }
    return {
      candidate: {
        name,
        packageName: sighting.file,
        version: 'unknown',
        status: 'unknown',
        dir,
        file: sighting.file,
        origin,
      },
    };
  }
  const file = join(dir, 'package.json');
  const read = await readPackageJson(file);
  if (!read.ok) {
    const name =
      sighting.packageName === undefined ? undefined : backendNameFromPackage(sighting.packageName);
    if (sighting.packageName === undefined || name === undefined)
      return { warning: `plugin skipped: ${read.problem}` };
    const problem = `${sighting.packageName} cannot be used: ${read.problem}`;
    return {
      candidate: {
        name,
        packageName: sighting.packageName,
        version: 'unknown',
        status: 'unknown',
        dir,
        origin,
        problem,
      },
      warning: problem,
    };
  }
  const json = read.json;
  const packageName = sighting.packageName ?? stringField(json, 'name') ?? dir;
  const meta =
    typeof json.agentkernel === 'object' && json.agentkernel !== null
      ? (json.agentkernel as Record<string, unknown>)
      : {};
  const name = stringField(meta, 'backend') ?? backendNameFromPackage(packageName);
  if (name === undefined || !isBackendName(name)) {
    return {
      warning:
        `${packageName} (${dir}): cannot tell which backend it provides: ` +
        'add "agentkernel": { "backend": "<name>" } to its package.json',
    };
  }
  const candidate: PluginCandidate = {
    name,
    packageName,
    version: stringField(json, 'version') ?? 'unknown',
    status: 'unknown',
    dir,
    origin,
  };
  const description = stringField(json, 'description');
  if (description !== undefined) candidate.description = description;
  const specificationVersion = stringField(meta, 'specificationVersion');
  const warnings: string[] = [];
  if (specificationVersion !== undefined) {
    candidate.specificationVersion = specificationVersion;
    if (!SUPPORTED_SPECIFICATION_VERSIONS.includes(specificationVersion)) {
      candidate.problem =
        `${packageName} (${dir}) declares specificationVersion "${specificationVersion}"; ` +
        `this agentkernel supports ${SUPPORTED_SPECIFICATION_VERSIONS.join(', ')}`;
      warnings.push(candidate.problem);
    }
  }
  const status = meta.status;
  if (status === 'ready' || status === 'stub') candidate.status = status;
  else if (status !== undefined)
    warnings.push(`${packageName} (${dir}): unknown "agentkernel.status" ${JSON.stringify(status)}`);
  return warnings.length === 0 ? { candidate } : { candidate, warning: warnings.join('; ') };
}
