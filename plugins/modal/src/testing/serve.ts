import { serveFake } from '@agentkernel/fake-kit';
import { startFakeModal } from './index.js';

/**
 * `node dist/testing/serve.js [--faults <rate>] [--fault-kinds <list>] [--seed <n>]`: starts an offline
 * Modal on a free local port, prints one JSON line with the environment that points the Modal SDK (and
 * agentkernel) at it, and runs until SIGINT or SIGTERM. A 429 fault is RESOURCE_EXHAUSTED, 503
 * UNAVAILABLE, 500 INTERNAL.
 */
await serveFake('fake Modal', ({ faults }) =>
  startFakeModal(faults === undefined ? {} : { randomFaults: faults }),
);
