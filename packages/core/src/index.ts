export * from './contract/index.js';
export * from './errors/index.js';
export * from './config/index.js';
export * from './discovery/index.js';
export * from './state/index.js';
export * from './names.js';
export * from './sync/index.js';
export * from './snapshot/index.js';
