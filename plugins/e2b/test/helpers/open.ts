import { defaultConfig, openBackend, type Backend, type LoadedConfig, type Logger } from '@agentkernel/core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2bPlugin } from '../../src/index.js';
import type { FakeE2B } from '../../src/testing/index.js';

export const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/**
 * Opens the E2B backend against a fake through core's real `openBackend`, so the plugin's schema
 * (types, env fallbacks, defaults) applies exactly as it does for the CLI. `table` is `[remote.e2b]`.
 */
export async function openAgainst(
  fake: FakeE2B,
  table: Record<string, unknown> = {},
  apiKey = fake.apiKey,
): Promise<Backend> {
  return openE2B(table, { ...fake.env, E2B_API_KEY: apiKey });
}

/** Opens the E2B backend with `table` as `[remote.e2b]` and `env` as the environment. */
export async function openE2B(
  table: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Backend> {
  const loaded: LoadedConfig = {
    projectRoot: tmpdir(),
    config: { ...defaultConfig(), remote: { providers: { e2b: table }, profiles: {} } },
    warnings: [],
    keyLines: {},
  };
  return openBackend(e2bPlugin, {
    loaded,
    env,
    home: await mkdtemp(join(tmpdir(), 'ak-e2b-home-')),
    logger: quietLogger,
  });
}
