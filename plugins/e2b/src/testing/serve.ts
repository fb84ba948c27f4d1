import { startFakeE2B } from './index.js';

/**
 * `node dist/testing/serve.js`: starts an offline E2B on a free local port, prints one JSON line with
 * the environment that points the E2B SDK (and agentkernel) at it, and runs until SIGINT or SIGTERM.
 */
const fake = await startFakeE2B();
process.stdout.write(`${JSON.stringify(fake.env)}\n`);

let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  fake.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`fake E2B: could not close cleanly: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
