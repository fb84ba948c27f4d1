import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceFiles } from '@agentkernel/testkit';
import { describe, expect, it } from 'vitest';
import { AgentkernelError, assertBackendPlugin } from '@agentkernel/core';
import plugin, { daytonaPlugin } from '../src/index.js';
import { openDaytona } from './helpers/open.js';

describe('the daytona plugin object', () => {
  it('is a valid plugin exported as default and as plugin, declaring its credentials as secrets', () => {
    assertBackendPlugin(plugin, '@agentkernel/backend-daytona');
    expect(plugin).toBe(daytonaPlugin);
    expect(
      plugin.credentials.map((credential) => [credential.key, credential.env, credential.secret]),
    ).toEqual([
      ['api_key', ['DAYTONA_API_KEY'], true],
      ['jwt_token', ['DAYTONA_JWT_TOKEN'], true],
    ]);
    expect(plugin.capabilities).toEqual({
      nativeSnapshots: true,
      pauseResume: true,
      pty: true,
      streamingExec: true,
      list: true,
      ports: true,
    });
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
      dependencies: Record<string, string>;
    };
    expect(plugin.version).toBe(pkg.version);
    expect(pkg.dependencies['@daytonaio/sdk']).toBe('0.218.0');
  });

  it('imports the vendor SDK only inside operations (type imports elsewhere)', () => {
    const root = new URL('../src/', import.meta.url).pathname;
    for (const file of sourceFiles(root).filter((path) => !path.includes('/testing/'))) {
      const text = readFileSync(file, 'utf8');
      const valueImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*from\s+'@daytonaio\/sdk'/gm)];
      expect(valueImports, `${file} imports '@daytonaio/sdk' at module load`).toEqual([]);
    }
    expect(readFileSync(join(root, 'plugin.ts'), 'utf8')).toContain(
      "importVendor(() => import('@daytonaio/sdk'), '@daytonaio/sdk', BACKEND_NAME)",
    );
  });

  it('refuses to open without an API key or JWT, naming the variables to set', async () => {
    const error: unknown = await openDaytona({}, {}).catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error) && error.code).toBe('CREDENTIALS_MISSING');
    expect(String(error)).toContain('DAYTONA_API_KEY');
    expect(String(error)).toContain('DAYTONA_JWT_TOKEN');
  });

  it('checks its settings through core, naming the key', async () => {
    await expect(openDaytona({ max_retries: -1 }, { DAYTONA_API_KEY: 'dtn_x' })).rejects.toThrow(
      /max_retries/,
    );
    await expect(openDaytona({ request_timeout_ms: 'soon' }, { DAYTONA_API_KEY: 'dtn_x' })).rejects.toThrow(
      /request_timeout_ms/,
    );
  });

  it('refuses refs of another backend', async () => {
    const backend = await openDaytona({}, { DAYTONA_API_KEY: 'dtn_x' });
    await expect(backend.reconnect({ backend: 'local', id: 'x', metadata: {} })).rejects.toThrow(
      /belongs to backend "local"/,
    );
    await backend.close?.();
  });
});
