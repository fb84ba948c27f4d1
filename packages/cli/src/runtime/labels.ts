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

/** agentkernel's `?label=key:value` filters (repeatable): every one must match. */
export function matchesLabels(
  labels: Readonly<Record<string, string>> | undefined,
  filters: readonly string[],
): boolean {
  return filters.every((filter) => {
    const colon = filter.indexOf(':');
    if (colon < 1) throw new UsageError(`label filter ${JSON.stringify(filter)}: write key:value`);
    return labels?.[filter.slice(0, colon)] === filter.slice(colon + 1);
  });
}
