export { e2bPlugin, e2bPlugin as plugin, e2bPlugin as default } from './plugin.js';
export { createE2BBackend, E2BBackend } from './e2b-backend.js';
export { BACKEND_NAME } from './name.js';
export { VERSION } from './version.js';
