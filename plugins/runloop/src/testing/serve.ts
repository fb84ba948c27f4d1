import { parseArgs } from 'node:util';
import { startFakeRunloop } from './index.js';

/**
 * `node dist/testing/serve.js [--faults <rate>]`: starts an offline Runloop on a free local port,
 * prints one JSON line with the environment that points the Runloop SDK (and agentkernel) at it, and
 * runs until SIGINT or SIGTERM. `--faults 0.2` gives a fifth of all requests a random fault.
 */
const { values } = parseArgs({ options: { faults: { type: 'string' } } });
const rate = values.faults === undefined ? 0 : Number(values.faults);
if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
  process.stderr.write(
    `fake Runloop: --faults takes a share of requests from 0 to 1, not ${values.faults}\n`,
  );
  process.exit(2);
}
const fake = await startFakeRunloop({ faultRate: rate });
process.stdout.write(`${JSON.stringify(fake.env)}\n`);

let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  fake.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`fake Runloop: could not close cleanly: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
