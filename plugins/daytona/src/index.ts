export { daytonaPlugin, daytonaPlugin as plugin, daytonaPlugin as default } from './plugin.js';
export { createDaytonaBackend, DaytonaBackend } from './daytona-backend.js';
export { VERSION } from './version.js';
