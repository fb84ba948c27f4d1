import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceFiles } from '@agentkernel/testkit';
import { describe, expect, it } from 'vitest';
import {
  AgentkernelError,
  assertBackendPlugin,
  formatConfigIssue,
  parseConfig,
  validateProviderTable,
  type BackendContext,
} from '@agentkernel/core';
import plugin, { e2bPlugin } from '../src/index.js';
import { quietLogger } from './helpers/open.js';

const context = (
  config: Record<string, unknown>,
  credentials: Record<string, string> = { api_key: 'e2b_test_key_1234' },
): BackendContext => ({
  config,
  credentials,
  env: {},
  dataDir: '/nonexistent',
  logger: quietLogger,
});

describe('the e2b plugin object', () => {
  it('is a valid plugin exported as default and as plugin, declaring E2B_API_KEY as a secret', () => {
    assertBackendPlugin(plugin, '@agentkernel/backend-e2b');
    expect(plugin).toBe(e2bPlugin);
    expect(plugin.credentials).toEqual([
      expect.objectContaining({ key: 'api_key', env: ['E2B_API_KEY'], required: true, secret: true }),
    ]);
    expect(plugin.capabilities).toEqual({
      nativeSnapshots: true,
      pauseResume: true,
      pty: true,
      streamingExec: true,
      list: true,
      ports: true,
      backgroundProcesses: true,
    });
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
      dependencies: Record<string, string>;
    };
    expect(plugin.version).toBe(pkg.version);
    expect(pkg.dependencies.e2b).toBe('2.51.0');
  });

  it('imports the vendor SDK only inside operations (type imports elsewhere)', () => {
    const root = new URL('../src/', import.meta.url).pathname;
    for (const file of sourceFiles(root).filter((path) => !path.includes('/testing/'))) {
      const text = readFileSync(file, 'utf8');
      const valueImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*from\s+'e2b'/gm)];
      expect(valueImports, `${file} imports 'e2b' at module load`).toEqual([]);
    }
    expect(readFileSync(join(root, 'plugin.ts'), 'utf8')).toContain(
      "importVendor(() => import('e2b'), 'e2b', BACKEND_NAME)",
    );
  });

  it('refuses to open without an API key, naming the variable to set', async () => {
    const error: unknown = await Promise.resolve(plugin.open(context({}, {}))).catch(
      (caught: unknown) => caught,
    );
    expect(AgentkernelError.isInstance(error) && error.code).toBe('CREDENTIALS_MISSING');
    expect(String(error)).toContain('E2B_API_KEY');
  });

  it('has its settings checked by core against its schema, naming file, line and key', () => {
    const file = '/project/agentkernel.toml';
    const parsed = parseConfig('[remote.e2b]\non_timeout = "explode"\nmax_retries = -1\n', file);
    const loaded = { file, projectRoot: '/project', ...parsed };
    expect(validateProviderTable(plugin, loaded).errors.map(formatConfigIssue)).toEqual([
      `${file}:2: remote.e2b.on_timeout: must be "pause" or "kill" (what E2B does with a sandbox idle for its timeout: pause it (resumed on next use) or kill it), got "explode"`,
      `${file}:3: remote.e2b.max_retries: must be at least 0 (retries of rate-limited, failed (5xx) or dropped requests), got -1`,
    ]);
  });

  it('refuses refs of another backend', async () => {
    const backend = await plugin.open(context({}));
    await expect(backend.reconnect({ backend: 'local', id: 'x', metadata: {} })).rejects.toThrow(
      /belongs to backend "local"/,
    );
  });
});
