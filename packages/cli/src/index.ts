export { main, type MainOptions } from './main.js';
export type { Io, OutputStream } from './output/io.js';
