import { describe, expect, it } from 'vitest';
import { AgentkernelError, assertBackendPlugin, type BackendContext } from '@agentkernel/core';
import plugin, { modalPlugin } from '../src/index.js';
import { quietLogger } from './helpers/open.js';

const context = (credentials: Record<string, string>): BackendContext => ({
  config: { project: 'agentkernel', image: 'debian:bookworm-slim', lifetime_secs: 86_400, max_retries: 4 },
  credentials,
  env: {},
  dataDir: '/nonexistent',
  logger: quietLogger,
});

describe('the modal plugin object', () => {
  it('is a valid plugin exported as default and as plugin, with both token halves as secrets', () => {
    assertBackendPlugin(plugin, '@agentkernel/backend-modal');
    expect(plugin).toBe(modalPlugin);
    expect(
      plugin.credentials.map(({ key, env, required, secret }) => ({ key, env, required, secret })),
    ).toEqual([
      { key: 'token_id', env: ['MODAL_TOKEN_ID'], required: true, secret: true },
      { key: 'token_secret', env: ['MODAL_TOKEN_SECRET'], required: true, secret: true },
    ]);
    expect(plugin.capabilities).toEqual({
      nativeSnapshots: true,
      pauseResume: false,
      pty: true,
      streamingExec: true,
      list: true,
      ports: true,
    });
    expect(plugin.configSchema.project?.env).toEqual(['MODAL_APP_NAME']);
    expect(plugin.configSchema.environment?.env).toEqual(['MODAL_ENVIRONMENT']);
    expect(plugin.configSchema.base_url?.env).toEqual(['MODAL_SERVER_URL']);
  });

  it('refuses to open without both token halves, naming what is missing', async () => {
    const error = await Promise.resolve(plugin.open(context({ token_id: 'ak-1' }))).catch(
      (caught: unknown) => caught,
    );
    expect(AgentkernelError.isInstance(error)).toBe(true);
    expect((error as AgentkernelError).code).toBe('CREDENTIALS_MISSING');
    expect((error as Error).message).toContain('token_secret (set MODAL_TOKEN_SECRET)');
    expect((error as Error).message).not.toContain('token_id (');
  });

  it('opens without contacting Modal and leaves the process environment as it was', async () => {
    const before = { ...process.env };
    const backend = await plugin.open({
      ...context({ token_id: 'ak-1', token_secret: 'as-2' }),
      config: { ...context({}).config, base_url: 'http://127.0.0.1:9' },
    });
    expect(backend.plugin).toBe(modalPlugin);
    expect(process.env).toEqual(before);
    await backend.close?.();
  });
});
