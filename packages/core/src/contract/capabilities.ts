import { CapabilityUnsupportedError } from '../errors/errors.js';
import type { BackendCapabilities, CapabilityName } from './backend.js';

/** Human wording of each capability, used in errors and in `plugins info`. */
export const CAPABILITY_DESCRIPTIONS: Readonly<Record<CapabilityName, string>> = {
  nativeSnapshots: 'native snapshots',
  pauseResume: 'pause and resume (stop keeps files)',
  pty: 'interactive shells (attach)',
  streamingExec: 'streaming command output',
  list: 'listing sandboxes',
  ports: 'exposing ports',
  backgroundProcesses: 'background processes that outlive their exec (detached commands)',
};

/** Capability flags added after v1 was published: a plugin may leave them out, which means `false`. */
export const LATER_CAPABILITY_NAMES: readonly CapabilityName[] = ['backgroundProcesses'];

/** Whether `capabilities` declares `name` (a later flag left out is `false`). */
export function hasCapability(capabilities: BackendCapabilities, name: CapabilityName): boolean {
  return capabilities[name] === true;
}

/** Every capability flag, in display order. */
export const CAPABILITY_NAMES = Object.keys(CAPABILITY_DESCRIPTIONS) as CapabilityName[];

/**
 * Returns `method` bound to `target`, or throws `CapabilityUnsupportedError` naming the capability when
 * the optional member is absent. Use it instead of `target.method?.()`, which would silently do nothing.
 */
export function optionalMethod<T extends object, K extends keyof T>(
  backend: string,
  target: T,
  key: K,
  capability: CapabilityName,
  hint?: string,
): NonNullable<T[K]> {
  const member = target[key];
  if (typeof member !== 'function')
    throw new CapabilityUnsupportedError(backend, CAPABILITY_DESCRIPTIONS[capability], hint);
  return (member as (...args: unknown[]) => unknown).bind(target) as NonNullable<T[K]>;
}
