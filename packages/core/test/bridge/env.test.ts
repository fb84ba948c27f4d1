import { afterEach, describe, expect, it } from 'vitest';
import {
  BRIDGE_SECRET_ENV,
  bridgeEnvironment,
  clearSecrets,
  redact,
  registerBridgeSecrets,
} from '../../src/index.js';

afterEach(() => clearSecrets());

describe('bridgeEnvironment', () => {
  it('promotes the lowercase aliases agentkernel bridge accepts onto the names our plugins read', () => {
    const env = bridgeEnvironment({
      E2B_key: 'e2b-alias',
      daytona_api_key: 'daytona-alias',
      daytona_org_id: 'org-1',
      runloop_api_key: 'runloop-alias',
      modal_token_id: 'id-1',
      modal_token_secret: 'secret-1',
    });
    expect(env).toMatchObject({
      E2B_API_KEY: 'e2b-alias',
      DAYTONA_API_KEY: 'daytona-alias',
      DAYTONA_ORGANIZATION_ID: 'org-1',
      RUNLOOP_API_KEY: 'runloop-alias',
      MODAL_TOKEN_ID: 'id-1',
      MODAL_TOKEN_SECRET: 'secret-1',
    });
  });

  it("maps agentkernel's names that differ from ours (MODAL_ENDPOINT, DAYTONA_ORG_ID)", () => {
    const env = bridgeEnvironment({ MODAL_ENDPOINT: 'http://127.0.0.1:1', DAYTONA_ORG_ID: 'org-2' });
    expect(env.MODAL_SERVER_URL).toBe('http://127.0.0.1:1');
    expect(env.DAYTONA_ORGANIZATION_ID).toBe('org-2');
  });

  it('lets an exported canonical variable win over an alias, and leaves its input alone', () => {
    const input = { E2B_API_KEY: 'exported', e2b_api_key: 'alias' };
    expect(bridgeEnvironment(input).E2B_API_KEY).toBe('exported');
    expect(input).toEqual({ E2B_API_KEY: 'exported', e2b_api_key: 'alias' });
  });

  it('skips empty aliases', () => {
    expect(bridgeEnvironment({ E2B_key: '', e2b_api_key: 'second' }).E2B_API_KEY).toBe('second');
  });
});

describe('registerBridgeSecrets', () => {
  it('masks every provider secret, under any of its names, whichever provider is asked', () => {
    registerBridgeSecrets({
      RUNLOOP_API_KEY: 'rl-canary-123',
      E2B_key: 'e2b-canary-456',
      E2B_API_URL: 'http://x',
    });
    expect(redact('a rl-canary-123 b e2b-canary-456 c http://x')).toBe('a *** b *** c http://x');
    expect(BRIDGE_SECRET_ENV).toContain('AGENTCOMPUTER_API_KEY');
  });
});
