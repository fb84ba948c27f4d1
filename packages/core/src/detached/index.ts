export * from './detached.js';
