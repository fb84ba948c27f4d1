export { runloopPlugin, runloopPlugin as plugin, runloopPlugin as default } from './plugin.js';
export { createRunloopBackend, RunloopBackend } from './runloop-backend.js';
export { VERSION } from './version.js';
