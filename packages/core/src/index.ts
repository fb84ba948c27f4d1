export * from './contract/index.js';
export * from './errors/index.js';
