import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { testBackend } from '@agentkernel/testkit';
import { localPlugin } from '../src/index.js';
import { stopEnvironments } from './helpers.js';

const home = mkdtempSync(join(tmpdir(), 'ak-local-conformance-'));
afterAll(async () => {
  await stopEnvironments(join(home, 'plugins', 'local'));
  rmSync(home, { recursive: true, force: true });
});

testBackend({
  name: 'local',
  open: async () =>
    localPlugin.open({
      config: {},
      credentials: {},
      env: process.env,
      dataDir: join(home, 'plugins', 'local'),
      logger: { debug: () => undefined, info: () => undefined, warn: (message) => console.warn(message) },
    }),
});
