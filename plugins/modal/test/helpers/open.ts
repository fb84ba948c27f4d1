import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, openBackend, type Backend, type LoadedConfig, type Logger } from '@agentkernel/core';
import { modalPlugin } from '../../src/index.js';
import type { FakeModal } from '../../src/testing/index.js';

export const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** Opens the Modal backend with `table` as `[remote.modal]` and `env` as the environment, through core's openBackend. */
export async function openModal(
  table: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger = quietLogger,
): Promise<Backend> {
  const loaded: LoadedConfig = {
    projectRoot: tmpdir(),
    config: { ...defaultConfig(), remote: { providers: { modal: table }, profiles: {} } },
    warnings: [],
    keyLines: {},
  };
  return openBackend(modalPlugin, {
    loaded,
    env,
    home: await mkdtemp(join(tmpdir(), 'ak-modal-home-')),
    logger,
  });
}

/** Opens the Modal backend against a fake, with the fake's environment (so the image is the default). */
export function openAgainst(
  fake: FakeModal,
  table: Record<string, unknown> = {},
  logger?: Logger,
): Promise<Backend> {
  return openModal(table, { ...fake.env }, logger);
}
