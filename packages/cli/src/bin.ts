#!/usr/bin/env node
import { main } from './main.js';
import { drained } from './output/io.js';

// A reader that goes away (`| head -1`) is not a failure of ours: the write that fails says so where
// it matters (a command's output), and an unhandled 'error' event would crash with a stack instead.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

const code = await main(process.argv.slice(2));
// Backend clients may hold sockets open, so the process ends explicitly; but only once stdout and
// stderr have handed on everything written to them, because exiting earlier truncates output into a
// pipe whose reader is slower than we are.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
