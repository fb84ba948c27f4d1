import { describe, expect, it } from 'vitest';
import type { BackendPlugin } from '../../src/index.js';
import { BackendError, formatConfigIssue, validateProviderTable } from '../../src/index.js';
import { FILE, credential, loadedFrom } from './helpers.js';

function plugin(name: string, overrides: Partial<BackendPlugin> = {}): BackendPlugin {
  return {
    specificationVersion: 'agentkernel-backend-v1',
    name,
    version: '1.0.0',
    capabilities: {
      nativeSnapshots: false,
      pauseResume: false,
      pty: false,
      streamingExec: false,
      list: false,
      ports: false,
    },
    credentials: [credential('api_key', [`${name.toUpperCase()}_API_KEY`])],
    configSchema: {
      timeout_ms: { type: 'number', description: 'request timeout', default: 30_000 },
      template: { type: 'string', description: 'sandbox template' },
      secure: { type: 'boolean', description: 'use TLS', default: true },
      domains: { type: 'string[]', description: 'allowed domains', default: ['example.com'] },
    },
    open() {
      throw new BackendError(name, 'this plugin is only validated, never opened');
    },
    ...overrides,
  };
}

describe('validateProviderTable', () => {
  it('keeps settings, applies defaults and leaves credential keys out', () => {
    const loaded = loadedFrom(
      '[remote.e2b]\napi_key_env = "MY_KEY"\nbase_url = "http://localhost:3000"\ntemplate = "base"\nsecure = false\n',
    );
    const result = validateProviderTable(plugin('e2b'), loaded);
    expect(result).toEqual({
      config: {
        base_url: 'http://localhost:3000',
        template: 'base',
        secure: false,
        timeout_ms: 30_000,
        domains: ['example.com'],
      },
      warnings: [],
      errors: [],
    });
  });

  it("reports a wrong type against the plugin's schema, with line and key", () => {
    const loaded = loadedFrom(
      '[remote.e2b]\ntemplate = "base"\ntimeout_ms = "30s"\ndomains = ["a.com", 1]\n',
    );
    const result = validateProviderTable(plugin('e2b'), loaded);
    expect(result.errors.map(formatConfigIssue)).toEqual([
      `${FILE}:3: remote.e2b.timeout_ms: expected a number (request timeout), got string "30s"`,
      `${FILE}:4: remote.e2b.domains: expected an array of strings (allowed domains), got array`,
    ]);
    expect(result.config).toEqual({
      template: 'base',
      timeout_ms: 30_000,
      secure: true,
      domains: ['example.com'],
    });
  });

  it('warns about unknown keys and credential keys the backend does not read', () => {
    const modal = plugin('modal', {
      credentials: [
        credential('token_id', ['MODAL_TOKEN_ID']),
        credential('token_secret', ['MODAL_TOKEN_SECRET']),
      ],
      configSchema: {},
    });
    const loaded = loadedFrom('[remote.modal]\napi_key_env = "MODAL_KEY"\ngpu = "A100"\n');
    const result = validateProviderTable(modal, loaded);
    expect(result.warnings.map(formatConfigIssue)).toEqual([
      `${FILE}:2: remote.modal.api_key_env: not used by backend "modal" (ignored); it reads token_id, token_secret`,
      `${FILE}:3: remote.modal.gpu: unknown key for backend "modal" (ignored); expected one of: api_key, api_key_env, token_id, token_id_env, token_secret, token_secret_env, base_url, environment, organization, project, region, profile`,
    ]);
    expect(result.errors).toEqual([]);
  });

  it("checks the plugin's own credential keys", () => {
    const acme = plugin('acme', {
      credentials: [credential('password', ['ACME_PASSWORD'])],
      configSchema: {},
    });
    const loaded = loadedFrom('[remote.acme]\npassword = 1234567\npassword_env = "ACME-PW"\n');
    expect(validateProviderTable(acme, loaded).errors.map(formatConfigIssue)).toEqual([
      `${FILE}:2: remote.acme.password: expected a string, got integer`,
      `${FILE}:3: remote.acme.password_env: "ACME-PW" is not a valid environment variable name (use letters, digits and "_", not starting with a digit)`,
    ]);
  });

  it('validates [local] for the local backend, with isolation as a known key', () => {
    const local = plugin('local', {
      credentials: [],
      configSchema: { cache_dir: { type: 'string', description: 'cache folder' } },
    });
    const loaded = loadedFrom('[local]\nisolation = "bubblewrap"\ncache_dir = 5\n');
    const result = validateProviderTable(local, loaded);
    expect(result.config).toEqual({ isolation: 'bubblewrap' });
    expect(result.errors.map(formatConfigIssue)).toEqual([
      `${FILE}:3: local.cache_dir: expected a string (cache folder), got integer 5`,
    ]);
  });

  it('gives the defaults when there is no table at all', () => {
    const result = validateProviderTable(plugin('e2b'), loadedFrom(''));
    expect(result).toEqual({
      config: { timeout_ms: 30_000, secure: true, domains: ['example.com'] },
      warnings: [],
      errors: [],
    });
  });
});

describe('validateProviderTable: constraints and environment fallbacks from the schema', () => {
  const acme = plugin('acme', {
    configSchema: {
      base_url: { type: 'string', description: 'API URL', env: ['ACME_API_URL', 'ACME_URL'] },
      retries: { type: 'integer', description: 'retries', default: 4, min: 0, env: ['ACME_RETRIES'] },
      mode: { type: 'string', description: 'idle policy', default: 'pause', choices: ['pause', 'kill'] },
      ratio: { type: 'number', description: 'share', min: 0.5 },
    },
  });

  it('refuses a value outside the choices, a fraction for an integer and a value below the minimum', () => {
    const loaded = loadedFrom('[remote.acme]\nmode = "stop"\nretries = 2.5\nratio = 0.25\n');
    expect(validateProviderTable(acme, loaded).errors.map(formatConfigIssue)).toEqual([
      `${FILE}:2: remote.acme.mode: must be "pause" or "kill" (idle policy), got "stop"`,
      `${FILE}:3: remote.acme.retries: expected an integer (retries), got float 2.5`,
      `${FILE}:4: remote.acme.ratio: must be at least 0.5 (share), got 0.25`,
    ]);
    const negative = loadedFrom('[remote.acme]\nretries = -1\n');
    expect(validateProviderTable(acme, negative).errors.map(formatConfigIssue)).toEqual([
      `${FILE}:2: remote.acme.retries: must be at least 0 (retries), got -1`,
    ]);
  });

  it('reads an unset key from the first set variable, typed, before the default', () => {
    const result = validateProviderTable(acme, loadedFrom(''), {
      ACME_API_URL: '',
      ACME_URL: 'http://127.0.0.1:9',
      ACME_RETRIES: '7',
    });
    expect(result.errors).toEqual([]);
    expect(result.config).toMatchObject({ base_url: 'http://127.0.0.1:9', retries: 7, mode: 'pause' });
  });

  it('lets the table win over the environment', () => {
    const loaded = loadedFrom('[remote.acme]\nbase_url = "http://from-file"\nretries = 1\n');
    const result = validateProviderTable(acme, loaded, {
      ACME_API_URL: 'http://from-env',
      ACME_RETRIES: '9',
    });
    expect(result.config).toMatchObject({ base_url: 'http://from-file', retries: 1 });
  });

  it('names the variable when an environment value does not fit', () => {
    const result = validateProviderTable(acme, loadedFrom(''), { ACME_RETRIES: 'lots' });
    expect(result.errors.map(formatConfigIssue)).toEqual([
      'environment: ACME_RETRIES: for remote.acme.retries: expected an integer (retries), got string "lots"',
    ]);
  });
});
