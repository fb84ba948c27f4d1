import type { Backend, BackendContext, Logger } from '@agentkernel/core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2bPlugin } from '../../src/index.js';
import type { FakeE2B } from '../../src/testing/index.js';

export const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** Opens the E2B backend against a fake, the way core would, with the fake's environment. */
export async function openAgainst(
  fake: FakeE2B,
  config: Record<string, unknown> = {},
  apiKey = fake.apiKey,
): Promise<Backend> {
  const context: BackendContext = {
    config: { base_url: fake.env.E2B_API_URL, sandbox_url: fake.env.E2B_SANDBOX_URL, ...config },
    credentials: { api_key: apiKey },
    env: {},
    dataDir: await mkdtemp(join(tmpdir(), 'ak-e2b-data-')),
    logger: quietLogger,
  };
  return e2bPlugin.open(context);
}
