import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/**
 * The provider label that says which agentkernel state created a sandbox: a digest of this machine's
 * name and the state folder. Every plugin marks a sandbox as agentkernel's (`agentkernel.managed`), but
 * one account may serve several machines, homes and the bridge (whose state is a folder of its own);
 * `sandbox gc` only removes an untracked sandbox that carries this state's label, never another's.
 */
export const STATE_LABEL = 'agentkernel.state';

/** The value of {@link STATE_LABEL} for the state kept in `stateDir` on this machine. */
export function stateLabelValue(stateDir: string): string {
  return createHash('sha256')
    .update(`${hostname()}\0${resolve(stateDir)}`)
    .digest('hex')
    .slice(0, 16);
}
