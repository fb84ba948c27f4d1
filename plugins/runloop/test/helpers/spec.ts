import { sandboxSpecs } from '@agentkernel/testkit';

/** A minimal spec with a fresh name; devboxes have a network unless a test says otherwise. */
export const spec = sandboxSpecs('runloop', { network: true });
