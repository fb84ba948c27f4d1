import { describe, expect, it } from 'vitest';
import { ConfigError, type Backend, type BackendContext, type BackendPlugin } from '@agentkernel/core';
import { liveSkipReason, openForTest } from '../src/index.js';

/** A plugin whose backend is the context core opened it with, to see what openBackend did. */
const probe: BackendPlugin = {
  specificationVersion: 'agentkernel-backend-v1',
  name: 'probe',
  version: '0.0.0',
  capabilities: {
    nativeSnapshots: false,
    pauseResume: false,
    pty: false,
    streamingExec: false,
    list: false,
    ports: false,
  },
  credentials: [{ key: 'api_key', env: ['PROBE_API_KEY'], required: true, secret: true, description: 'key' }],
  configSchema: {
    retries: { type: 'integer', description: 'retries', default: 3, min: 0 },
    region_name: { type: 'string', description: 'region', env: ['PROBE_REGION'] },
  },
  open: async (context) => ({ context }) as unknown as Backend,
};
const contextOf = (backend: Backend) => (backend as unknown as { context: BackendContext }).context;

describe('openForTest', () => {
  it('goes through core: schema defaults, env fallbacks and credentials from their variables', async () => {
    const context = contextOf(
      await openForTest(probe, { credentials: { api_key: 'k-123' }, env: { PROBE_REGION: 'north' } }),
    );
    expect(context.config).toMatchObject({ retries: 3, region_name: 'north' });
    expect(context.credentials.api_key).toBe('k-123');
    expect(context.dataDir).toMatch(/ak-test-home-probe-.*\/plugins\/probe$/);
  });

  it('validates the table as the CLI does', async () => {
    await expect(
      openForTest(probe, { config: { retries: -1 }, credentials: { api_key: 'k' } }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('fails as the CLI does when a required credential is missing', async () => {
    await expect(openForTest(probe)).rejects.toThrow(/PROBE_API_KEY/);
  });
});

describe('liveSkipReason', () => {
  it('names missing credentials and URLs that point at a local fake', () => {
    const gate = { backend: 'acme', required: ['ACME_KEY', 'ACME_SECRET'], urls: ['ACME_URL'] };
    expect(liveSkipReason({ ...gate, env: {} })).toBe('ACME_KEY, ACME_SECRET are not set');
    expect(liveSkipReason({ ...gate, env: { ACME_KEY: 'k' } })).toBe('ACME_SECRET is not set');
    expect(
      liveSkipReason({ ...gate, env: { ACME_KEY: 'k', ACME_SECRET: 's', ACME_URL: 'http://127.0.0.1:9/x' } }),
    ).toBe('ACME_URL points at a local fake (http://127.0.0.1:9/x)');
    expect(
      liveSkipReason({ ...gate, env: { ACME_KEY: 'k', ACME_SECRET: 's', ACME_URL: 'https://api.acme.dev' } }),
    ).toBeUndefined();
  });
});
