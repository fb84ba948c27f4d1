import type { Backend } from '@agentkernel/core';
import { openForTest } from '@agentkernel/testkit';
import { e2bPlugin } from '../../src/index.js';
import type { FakeE2B } from '../../src/testing/index.js';

export { quietLogger } from '@agentkernel/testkit';

/**
 * Opens the E2B backend against a fake through core's real `openBackend` (testkit's `openForTest`), so
 * the plugin's schema (types, env fallbacks, defaults) applies exactly as it does for the CLI. `table`
 * is `[remote.e2b]`.
 */
export function openAgainst(
  fake: FakeE2B,
  table: Record<string, unknown> = {},
  apiKey = fake.apiKey,
): Promise<Backend> {
  return openForTest(e2bPlugin, { config: table, env: { ...fake.env }, credentials: { api_key: apiKey } });
}
