export { localPlugin, localPlugin as plugin, localPlugin as default } from './plugin.js';
export { createLocalBackend } from './local-backend.js';
export { BACKEND_NAME } from './name.js';
export type { LocalBackendContext } from './runtime.js';
export { VERSION } from './version.js';
