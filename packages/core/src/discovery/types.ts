/** Where discovery found a plugin package. */
export type PluginOrigin = 'project' | 'cli' | 'beside-cli' | 'config';

/**
 * A backend plugin known from its `package.json` alone: nothing of it has been imported. Its
 * `"agentkernel"` field (`backend`, `specificationVersion`, `status`) supplies the metadata; without it
 * the name comes from the package name and the rest is unknown until the plugin is loaded.
 */
export interface PluginCandidate {
  /** The backend name, the value of `--backend`. */
  name: string;
  /** The npm package name; for a `.js` file listed in `[plugins] paths`, the file's path. */
  packageName: string;
  /** The package version, or `unknown`. */
  version: string;
  /** As declared in `package.json`; `undefined` when it does not say. */
  specificationVersion?: string;
  status: 'ready' | 'stub' | 'unknown';
  description?: string;
  /** The package folder (real path); for a `.js` file, the folder holding it. */
  dir: string;
  /** Set for a `.js` file listed in `[plugins] paths`: the module to import. */
  file?: string;
  origin: PluginOrigin;
  /** Why this plugin cannot be loaded, when that is known without importing it (already a warning). */
  problem?: string;
}

/** Two or more packages claiming one backend name. */
export interface PluginConflict {
  name: string;
  /** The package names, in discovery order. */
  packages: string[];
}

export interface Discovery {
  /** Every candidate, in precedence order: config paths, project, CLI, beside the CLI. */
  plugins: PluginCandidate[];
  /** Problems worth telling the user about; none of them stopped discovery. */
  warnings: string[];
  conflicts: PluginConflict[];
}

export interface DiscoverOptions {
  /** The user's project folder; its nearest `package.json` upward declares dependencies. */
  projectDir: string;
  /** Any folder inside the CLI package (its `package.json` is the nearest one upward). */
  cliDir: string;
  /** `[plugins] paths`: plugin folders or `.js` files, relative to `projectDir` unless absolute. */
  paths?: readonly string[];
}
