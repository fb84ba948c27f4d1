import { sandboxSpecs } from '@agentkernel/testkit';

/** A minimal spec with a fresh name. */
export const spec = sandboxSpecs('modal');
