import { serveFake } from '@agentkernel/fake-kit';
import { startFakeRunloop } from './index.js';

/**
 * `node dist/testing/serve.js [--faults <rate>] [--fault-kinds <list>] [--seed <n>]`: starts an offline
 * Runloop on a free local port, prints one JSON line with the environment that points the Runloop SDK
 * (and agentkernel) at it, and runs until SIGINT or SIGTERM.
 */
await serveFake('fake Runloop', ({ faults }) =>
  startFakeRunloop(faults === undefined ? {} : { randomFaults: faults }),
);
