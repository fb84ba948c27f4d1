import type { Backend, Logger } from '@agentkernel/core';
import { openForTest } from '@agentkernel/testkit';
import { runloopPlugin } from '../../src/index.js';
import type { FakeRunloop } from '../../src/testing/index.js';

/** Opens the Runloop backend with `table` as `[remote.runloop]` and `env` as the environment, as the CLI does. */
export function openRunloop(
  table: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Backend> {
  return openForTest(runloopPlugin, { config: table, env });
}

/** Opens the backend against a fake, with the fake's environment (its URL, tunnel domain and key). */
export function openAgainst(
  fake: FakeRunloop,
  table: Record<string, unknown> = {},
  apiKey = fake.apiKey,
  logger?: Logger,
): Promise<Backend> {
  return openForTest(runloopPlugin, {
    config: table,
    env: { ...fake.env },
    credentials: { api_key: apiKey },
    ...(logger === undefined ? {} : { logger }),
  });
}
