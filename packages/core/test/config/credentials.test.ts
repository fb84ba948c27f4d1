import { describe, expect, it } from 'vitest';
import { credentialSpecs, formatConfigIssue, resolveCredentials } from '../../src/index.js';
import { FILE, credential, loadedFrom, pluginShape } from './helpers.js';

const e2b = pluginShape('e2b', [credential('api_key', ['E2B_API_KEY'])]);

describe('resolveCredentials precedence', () => {
  it('takes the inline value first, over api_key_env and the standard variable', () => {
    const loaded = loadedFrom('[remote.e2b]\napi_key = "inline-key-0001"\napi_key_env = "MY_E2B_KEY"\n');
    const result = resolveCredentials(e2b, loaded, {
      MY_E2B_KEY: 'named-key-0002',
      E2B_API_KEY: 'standard-key-0003',
    });
    expect(result).toEqual({
      values: { api_key: 'inline-key-0001' },
      sources: { api_key: 'inline' },
      missing: [],
      warnings: [],
    });
  });

  it('then the variable api_key_env names, over the standard one', () => {
    const loaded = loadedFrom('[remote.e2b]\napi_key_env = "MY_E2B_KEY"\n');
    const result = resolveCredentials(e2b, loaded, {
      MY_E2B_KEY: 'named-key-0002',
      E2B_API_KEY: 'standard-key-0003',
    });
    expect(result.values).toEqual({ api_key: 'named-key-0002' });
    expect(result.sources).toEqual({ api_key: 'env:MY_E2B_KEY' });
  });

  it('then the standard variable, without any table', () => {
    const result = resolveCredentials(e2b, loadedFrom(''), { E2B_API_KEY: 'standard-key-0003' });
    expect(result.values).toEqual({ api_key: 'standard-key-0003' });
    expect(result.sources).toEqual({ api_key: 'env:E2B_API_KEY' });
  });

  it('reports a variable named by api_key_env but unset as the missing one, without falling back', () => {
    const loaded = loadedFrom('[remote.e2b]\napi_key_env = "MY_E2B_KEY"\n');
    const result = resolveCredentials(e2b, loaded, { E2B_API_KEY: 'standard-key-0003' });
    expect(result.values).toEqual({});
    expect(result.missing).toEqual([credential('api_key', ['MY_E2B_KEY'])]);
  });

  it('treats an empty variable as unset and lists every variable that would do', () => {
    const acme = pluginShape('daytona', [credential('api_key', ['ACME_DAYTONA_KEY'])]);
    const result = resolveCredentials(acme, loadedFrom(''), { ACME_DAYTONA_KEY: '', DAYTONA_API_KEY: '' });
    expect(result.missing).toEqual([credential('api_key', ['ACME_DAYTONA_KEY', 'DAYTONA_API_KEY'])]);
  });

  it("uses core's agentkernel mapping when the plugin lists another variable first", () => {
    const acme = pluginShape('daytona', [credential('api_key', ['ACME_DAYTONA_KEY'])]);
    const result = resolveCredentials(acme, loadedFrom(''), { DAYTONA_API_KEY: 'dtn-key-0004' });
    expect(result.sources).toEqual({ api_key: 'env:DAYTONA_API_KEY' });
  });
});

describe('resolveCredentials for Modal', () => {
  const modal = pluginShape('modal', [
    credential('token_id', ['MODAL_TOKEN_ID']),
    credential('token_secret', ['MODAL_TOKEN_SECRET']),
  ]);

  it('resolves each token on its own, from the file or the environment', () => {
    const loaded = loadedFrom('[remote.modal]\ntoken_id_env = "CI_MODAL_ID"\nproject = "agentkernel"\n');
    const result = resolveCredentials(modal, loaded, {
      CI_MODAL_ID: 'ak-id-0005',
      MODAL_TOKEN_SECRET: 'as-secret-0006',
    });
    expect(result.values).toEqual({ token_id: 'ak-id-0005', token_secret: 'as-secret-0006' });
    expect(result.sources).toEqual({ token_id: 'env:CI_MODAL_ID', token_secret: 'env:MODAL_TOKEN_SECRET' });
    expect(result.missing).toEqual([]);
  });

  it('lists every missing required token', () => {
    const result = resolveCredentials(modal, loadedFrom(''), {});
    expect(result.missing.map((spec) => [spec.key, spec.env])).toEqual([
      ['token_id', ['MODAL_TOKEN_ID']],
      ['token_secret', ['MODAL_TOKEN_SECRET']],
    ]);
  });

  it('resolves a secret agentkernel knows even when the plugin does not declare it, as optional', () => {
    const partial = pluginShape('modal', [credential('token_id', ['MODAL_TOKEN_ID'])]);
    expect(credentialSpecs(partial).map((spec) => [spec.key, spec.required, spec.secret])).toEqual([
      ['token_id', true, true],
      ['token_secret', false, true],
    ]);
    const result = resolveCredentials(partial, loadedFrom(''), { MODAL_TOKEN_SECRET: 'as-secret-0006' });
    expect(result.values).toEqual({ token_secret: 'as-secret-0006' });
    expect(result.missing.map((spec) => spec.key)).toEqual(['token_id']);
  });
});

describe('resolveCredentials warnings', () => {
  it('warns when an optional credential names an unset variable', () => {
    const plugin = pluginShape('runloop', [credential('api_key', ['RUNLOOP_API_KEY'], false)]);
    const loaded = loadedFrom('[remote.runloop]\napi_key_env = "RL_KEY"\n');
    const result = resolveCredentials(plugin, loaded, {});
    expect(result.missing).toEqual([]);
    expect(result.warnings.map(formatConfigIssue)).toEqual([
      `${FILE}:2: remote.runloop.api_key_env: names RL_KEY, which is not set`,
    ]);
  });

  it("warns once about an inline value of the plugin's own secret key, without the value", () => {
    const plugin = pluginShape('acme', [
      credential('password', ['ACME_PASSWORD']),
      credential('user', [], true, false),
    ]);
    const loaded = loadedFrom('[remote.acme]\nuser = "me"\npassword = "hunter2-but-longer"\n');
    const result = resolveCredentials(plugin, loaded, {});
    expect(result.values).toEqual({ user: 'me', password: 'hunter2-but-longer' });
    expect(result.warnings.map(formatConfigIssue)).toEqual([
      `${FILE}:3: remote.acme.password: inline secret (it would be committed with the file): prefer password_env`,
    ]);
    expect(JSON.stringify(result.warnings) + JSON.stringify(result.sources)).not.toContain('hunter2');
  });

  it('does not repeat the inline warning loadConfig already gave for api_key', () => {
    const loaded = loadedFrom('[remote.e2b]\napi_key = "inline-key-0001"\n');
    expect(loaded.warnings).toHaveLength(1);
    expect(resolveCredentials(e2b, loaded, {}).warnings).toEqual([]);
  });

  it('reads the local backend from [local]', () => {
    const local = pluginShape('local', [credential('token', ['LOCAL_TOKEN'], false)]);
    const result = resolveCredentials(local, loadedFrom('[local]\ntoken_env = "MY_LOCAL"\n'), {
      MY_LOCAL: 'local-token-0007',
    });
    expect(result.sources).toEqual({ token: 'env:MY_LOCAL' });
  });
});
