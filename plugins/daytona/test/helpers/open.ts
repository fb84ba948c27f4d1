import type { Backend, Logger } from '@agentkernel/core';
import { openForTest } from '@agentkernel/testkit';
import { daytonaPlugin } from '../../src/index.js';
import type { FakeDaytona } from '../../src/testing/index.js';

/**
 * Opens the Daytona backend against a fake through core's real `openBackend` (testkit's `openForTest`),
 * so the plugin's schema (types, env fallbacks, defaults) applies exactly as it does for the CLI. `table`
 * is `[remote.daytona]`.
 */
export function openAgainst(
  fake: FakeDaytona,
  table: Record<string, unknown> = {},
  apiKey = fake.apiKey,
): Promise<Backend> {
  return openForTest(daytonaPlugin, {
    config: table,
    env: { ...fake.env },
    credentials: { api_key: apiKey },
  });
}

/** Opens the Daytona backend with `table` as `[remote.daytona]` and `env` as the environment. */
export function openDaytona(
  table: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  logger?: Logger,
): Promise<Backend> {
  return openForTest(daytonaPlugin, { config: table, env, ...(logger === undefined ? {} : { logger }) });
}
