import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openForTest, testBackend } from '@agentkernel/testkit';
import { localPlugin } from '../src/index.js';
import { stopEnvironments } from './helpers.js';

const home = mkdtempSync(join(tmpdir(), 'ak-local-conformance-'));
afterAll(async () => {
  await stopEnvironments(join(home, 'plugins', 'local'));
  rmSync(home, { recursive: true, force: true });
});

testBackend({
  name: 'local',
  open: () =>
    openForTest(localPlugin, {
      home,
      env: process.env,
      logger: { debug: () => undefined, info: () => undefined, warn: (message) => console.warn(message) },
    }),
});
