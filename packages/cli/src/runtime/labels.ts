import { UsageError } from '@agentkernel/core';

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;

/**
 * Checks labels as agentkernel's API gives them (an object): keys of 1 to 63 letters, digits and
 * `. _ / -` starting with a letter or digit, values of one line of at most 256 characters; keys starting
 * with `agentkernel.` are agentkernel's own.
 */
export function checkLabels(
  labels: Readonly<Record<string, unknown>>,
  where = 'labels',
): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (!LABEL_KEY.test(key) || typeof value !== 'string' || /[\n\r]/.test(value) || value.length > 256)
      throw new UsageError(
        `${where}: ${JSON.stringify(key)}: keys are 1-63 letters, digits, . _ / - (starting with a letter or digit), values one line of at most 256 characters`,
      );
    if (key.startsWith('agentkernel.'))
      throw new UsageError(`${where}: keys starting with agentkernel. are agentkernel's own`);
    checked[key] = value;
  }
  return checked;
}

/**
 * Labels written one per value, as the CLI's `-l/--label key=value` (separator `=`) and the API's
 * `?label=key:value` (separator `:`) take them; each is split at its first separator and checked as
 * {@link checkLabels} does. A repeated key keeps its last value.
 */
export function parseLabels(
  values: readonly string[],
  separator: '=' | ':',
  where: string,
): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf(separator);
    if (at < 1) throw new UsageError(`${where} ${JSON.stringify(value)}: write key${separator}value`);
    pairs[value.slice(0, at)] = value.slice(at + 1);
  }
  return checkLabels(pairs, where);
}

/** Whether `labels` include every one of `wanted` (no filter matches everything). */
export function matchesLabels(
  labels: Readonly<Record<string, string>> | undefined,
  wanted: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(wanted).every(([key, value]) => labels?.[key] === value);
}
