export type { DiscoverOptions, Discovery, PluginCandidate, PluginConflict, PluginOrigin } from './types.js';
export { discoverPlugins } from './discover.js';
export { findCandidate } from './find.js';
export { loadPlugin, PluginLoadError, type LoadOptions } from './load.js';
export { PluginLoader, type LoadedPlugin } from './loader.js';
export { backendNameFromPackage, isBackendName, isPluginPackageName, packageNamesFor } from './naming.js';
