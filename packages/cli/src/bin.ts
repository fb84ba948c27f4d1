#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Backend clients may hold sockets open; the command is done, so leave now. On Linux stdout and
// stderr writes to pipes, files and terminals are synchronous, so nothing printed is lost.
process.exit(code);
