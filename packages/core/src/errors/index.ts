export * from './errors.js';
export * from './redactor.js';
