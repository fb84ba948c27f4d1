export * from './backend.js';
export * from './capabilities.js';
export * from './plugin-check.js';
export * from './vendor.js';
export * from './output.js';
export * from './define-plugin.js';
