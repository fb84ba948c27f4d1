import { serveFake } from '@agentkernel/fake-kit';
import { startFakeDaytona } from './index.js';

/**
 * `node dist/testing/serve.js [--faults <rate>] [--fault-kinds <list>] [--seed <n>]`: starts an offline
 * Daytona on a free local port, prints one JSON line with the environment that points the Daytona SDK
 * (and agentkernel) at it, and runs until SIGINT or SIGTERM.
 */
await serveFake('fake Daytona', ({ faults }) =>
  startFakeDaytona(faults === undefined ? {} : { randomFaults: faults }),
);
