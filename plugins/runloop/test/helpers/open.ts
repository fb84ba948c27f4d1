import { defaultConfig, openBackend, type Backend, type LoadedConfig, type Logger } from '@agentkernel/core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runloopPlugin } from '../../src/index.js';
import type { FakeRunloop } from '../../src/testing/index.js';

export const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** Opens the Runloop backend with `table` as `[remote.runloop]` and `env` as the environment, through core's openBackend. */
export async function openRunloop(
  table: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger = quietLogger,
): Promise<Backend> {
  const loaded: LoadedConfig = {
    projectRoot: tmpdir(),
    config: { ...defaultConfig(), remote: { providers: { runloop: table }, profiles: {} } },
    warnings: [],
    keyLines: {},
  };
  return openBackend(runloopPlugin, {
    loaded,
    env,
    home: await mkdtemp(join(tmpdir(), 'ak-runloop-home-')),
    logger,
  });
}

/** Opens the backend against a fake, with the fake's environment (its URL and key). */
export function openAgainst(
  fake: FakeRunloop,
  table: Record<string, unknown> = {},
  apiKey = fake.apiKey,
  logger: Logger = quietLogger,
): Promise<Backend> {
  return openRunloop(table, { ...fake.env, RUNLOOP_API_KEY: apiKey }, logger);
}
