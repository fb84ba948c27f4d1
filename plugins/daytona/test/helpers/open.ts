import { defaultConfig, openBackend, type Backend, type LoadedConfig, type Logger } from '@agentkernel/core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daytonaPlugin } from '../../src/index.js';
import type { FakeDaytona } from '../../src/testing/index.js';

export const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/**
 * Opens the Daytona backend against a fake through core's real `openBackend`, so the plugin's schema
 * (types, env fallbacks, defaults) applies exactly as it does for the CLI. `table` is `[remote.daytona]`.
 */
export async function openAgainst(
  fake: FakeDaytona,
  table: Record<string, unknown> = {},
  apiKey = fake.apiKey,
): Promise<Backend> {
  return openDaytona(table, { ...fake.env, DAYTONA_API_KEY: apiKey });
}

/** Opens the Daytona backend with `table` as `[remote.daytona]` and `env` as the environment. */
export async function openDaytona(
  table: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger = quietLogger,
): Promise<Backend> {
  const loaded: LoadedConfig = {
    projectRoot: tmpdir(),
    config: { ...defaultConfig(), remote: { providers: { daytona: table }, profiles: {} } },
    warnings: [],
    keyLines: {},
  };
  return openBackend(daytonaPlugin, {
    loaded,
    env,
    home: await mkdtemp(join(tmpdir(), 'ak-daytona-home-')),
    logger,
  });
}
