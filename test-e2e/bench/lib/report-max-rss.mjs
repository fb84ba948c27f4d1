// Preloaded with `node --import` into a process a benchmark measures: writes the process's peak RSS
// (KiB) to $AGENTKERNEL_BENCH_RSS_FILE when it exits, however it exits.
import { writeFileSync } from 'node:fs';

const file = process.env.AGENTKERNEL_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
