import { serveFake } from '@agentkernel/fake-kit';
import { startFakeE2B } from './index.js';

/**
 * `node dist/testing/serve.js [--faults <rate>] [--fault-kinds <list>] [--seed <n>]`: starts an offline
 * E2B on a free local port, prints one JSON line with the environment that points the E2B SDK (and
 * agentkernel) at it, and runs until SIGINT or SIGTERM.
 */
await serveFake('fake E2B', ({ faults }) =>
  startFakeE2B(faults === undefined ? {} : { randomFaults: faults }),
);
