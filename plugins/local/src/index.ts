export { localPlugin, localPlugin as plugin, localPlugin as default } from './plugin.js';
export { createLocalBackend } from './local-backend.js';
export type { LocalBackendOptions } from './runtime.js';
export { VERSION } from './version.js';
