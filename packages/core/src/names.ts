import { randomBytes } from 'node:crypto';
import { UsageError } from './errors/errors.js';

// agentkernel's own rule, so a name valid here is valid for the Rust CLI and the bridge: alphanumeric
// at both ends, single `-` or `_` separators between runs, at most 63 characters (a DNS label).
const NAME_PATTERN = /^[A-Za-z0-9](?:[-_]?[A-Za-z0-9])*$/;
const MAX_LENGTH = 63;

const RULE =
  'use 1 to 63 letters, digits, "-" or "_", starting and ending with a letter or digit, ' +
  'with no two "-"/"_" in a row';

/** True when `name` is a valid sandbox (or snapshot) name. */
export function isValidSandboxName(name: string): boolean {
  return name.length <= MAX_LENGTH && NAME_PATTERN.test(name);
}

/**
 * Cuts `base` so that `base + suffix` fits the length limit, dropping the separators the cut leaves at
 * its end (`my-project-restored`, `demo-20260101`). A valid `base` and suffix give a valid name.
 */
export function fitName(base: string, suffix = ''): string {
  return base.slice(0, MAX_LENGTH - suffix.length).replace(/[-_]+$/, '') + suffix;
}

/**
 * Returns `name` when it is valid, else throws a `UsageError` naming the value and the rule. Names become
 * file names in state, so this is also what keeps paths inside `$AGENTKERNEL_HOME`.
 */
export function validateSandboxName(name: string, what = 'sandbox name'): string {
  if (isValidSandboxName(name)) return name;
  throw new UsageError(`invalid ${what} ${JSON.stringify(name)}: ${RULE}`);
}

/**
 * A provider's name for a native snapshot named `name`: `ak-`, a slug of lower-case letters, digits and
 * dashes, and a random suffix, so that a retried take finds the snapshot a lost answer had made (and
 * only it), and two snapshots of one name stay apart where the provider's names are unique.
 */
export function providerSnapshotName(name: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'snapshot';
  return `ak-${slug}-${randomBytes(4).toString('hex')}`;
}
