export { daytonaPlugin, daytonaPlugin as plugin, daytonaPlugin as default } from './plugin.js';
export { createDaytonaBackend, DaytonaBackend } from './daytona-backend.js';
export { BACKEND_NAME } from './name.js';
export { VERSION } from './version.js';
