export { runloopPlugin, runloopPlugin as plugin, runloopPlugin as default } from './plugin.js';
export { createRunloopBackend, RunloopBackend } from './runloop-backend.js';
export { BACKEND_NAME } from './name.js';
export { VERSION } from './version.js';
