import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend, BackendContext, BackendPlugin, Logger } from '../../src/index.js';
import {
  BackendError,
  BackendNotAvailableError,
  ConfigError,
  CredentialsMissingError,
  clearSecrets,
  openBackend,
  redact,
} from '../../src/index.js';
import { credential, loadedFrom } from './helpers.js';

/** What the test plugin's `open` returns: a backend that keeps the context it was opened with. */
interface RecordingBackend extends Backend {
  readonly context: BackendContext;
}

/** A small, real plugin: its backend creates no sandboxes, it only shows what core handed it. */
function recordingPlugin(
  name: string,
  credentials = [credential('api_key', [`${name.toUpperCase()}_API_KEY`])],
): BackendPlugin {
  const plugin: BackendPlugin = {
    specificationVersion: 'agentkernel-backend-v1',
    name,
    version: '0.0.1',
    capabilities: {
      nativeSnapshots: false,
      pauseResume: false,
      pty: false,
      streamingExec: false,
      list: false,
      ports: false,
    },
    credentials,
    configSchema: {
      template: { type: 'string', description: 'sandbox template', default: 'base' },
      base_url: { type: 'string', description: 'API URL', env: [`${name.toUpperCase()}_API_URL`] },
    },
    open(context): RecordingBackend {
      const refuse = (): Promise<never> =>
        Promise.reject(new BackendError(name, 'the recording plugin creates no sandboxes'));
      return { plugin, context, create: refuse, reconnect: refuse };
    },
  };
  return plugin;
}

class ListLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
}

let home: string;
let logger: ListLogger;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'ak-home-'));
  logger = new ListLogger();
});

afterEach(async () => {
  clearSecrets();
  await rm(home, { recursive: true, force: true });
});

async function open(
  plugin: BackendPlugin,
  toml: string,
  env: Record<string, string | undefined>,
): Promise<BackendContext> {
  const backend = (await openBackend(plugin, {
    loaded: loadedFrom(toml),
    env,
    home,
    logger,
  })) as RecordingBackend;
  expect(backend.plugin).toBe(plugin);
  return backend.context;
}

describe('openBackend', () => {
  it("hands the plugin its settings (with the schema's env fallbacks), credentials, env and data directory", async () => {
    const env = { E2B_API_KEY: 'e2b_live_secret_0001', E2B_API_URL: 'http://127.0.0.1:49999' };
    const context = await open(recordingPlugin('e2b'), '[remote.e2b]\nregion = "eu"\n', env);

    expect(context.config).toEqual({ region: 'eu', template: 'base', base_url: 'http://127.0.0.1:49999' });
    expect(context.credentials).toEqual({ api_key: 'e2b_live_secret_0001' });
    expect(context.env).toBe(env);
    expect(context.dataDir).toBe(join(home, 'plugins', 'e2b'));
    expect((await stat(context.dataDir)).isDirectory()).toBe(true);
    expect(Object.isFrozen(context.config)).toBe(true);
    expect(context.logger).toBe(logger);
    expect(logger.lines).toEqual(['debug: credential api_key from env:E2B_API_KEY']);
    expect(context.otherBackends).toEqual([]);
  });

  it('passes on the other usable backends so a backend can suggest them', async () => {
    const backend = (await openBackend(recordingPlugin('agentcomputer', []), {
      loaded: loadedFrom(''),
      env: {},
      home,
      logger,
      otherBackends: ['local', 'e2b'],
    })) as RecordingBackend;
    expect(backend.context.otherBackends).toEqual(['local', 'e2b']);
  });

  it('registers every secret value with the redactor, and no non-secret one', async () => {
    const plugin = recordingPlugin('modal', [
      credential('token_id', ['MODAL_TOKEN_ID']),
      credential('token_secret', ['MODAL_TOKEN_SECRET']),
      credential('workspace', ['MODAL_WORKSPACE'], false, false),
    ]);
    const env = {
      MODAL_TOKEN_ID: 'ak-token-id-0002',
      MY_SECRET: 'as-token-secret-0003',
      MODAL_WORKSPACE: 'team-space',
    };
    const context = await open(plugin, '[remote.modal]\ntoken_secret_env = "MY_SECRET"\n', env);

    expect(context.credentials).toEqual({
      token_id: 'ak-token-id-0002',
      token_secret: 'as-token-secret-0003',
      workspace: 'team-space',
    });
    expect(redact('ak-token-id-0002')).toBe('***');
    expect(redact('as-token-secret-0003')).toBe('***');
    expect(redact('team-space')).toBe('team-space');
  });

  it('registers an inline secret too, and logs the warnings redacted', async () => {
    const context = await open(
      recordingPlugin('e2b'),
      '[remote.e2b]\napi_key = "e2b_inline_0004"\nflavour = "x"\n',
      {},
    );
    expect(context.credentials).toEqual({ api_key: 'e2b_inline_0004' });
    expect(redact('e2b_inline_0004')).toBe('***');
    expect(logger.lines).toEqual([
      'warn: /project/agentkernel.toml:3: remote.e2b.flavour: unknown key for backend "e2b" (ignored); expected one of: template, base_url, api_key, api_key_env, token_id, token_id_env, token_secret, token_secret_env, environment, organization, project, region, profile',
      'debug: credential api_key from inline',
    ]);
  });

  it('throws CredentialsMissingError naming the variables to set', async () => {
    const error: unknown = await open(recordingPlugin('e2b'), '', {}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CredentialsMissingError);
    expect((error as Error).message).toBe(
      '[agentkernel] [e2b] missing credentials: api_key (set E2B_API_KEY)',
    );
    expect((error as CredentialsMissingError).exitCode).toBe(2);
  });

  it('names the variable api_key_env points to when it is unset', async () => {
    const plugin = recordingPlugin('daytona');
    const error: unknown = await open(plugin, '[remote.daytona]\napi_key_env = "TEAM_DAYTONA_KEY"\n', {
      DAYTONA_API_KEY: 'dtn-0005',
    }).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toBe(
      '[agentkernel] [daytona] missing credentials: api_key (set TEAM_DAYTONA_KEY)',
    );
  });

  it('throws a ConfigError for a table that does not match the schema, before resolving anything', async () => {
    const error: unknown = await open(recordingPlugin('e2b'), '[remote.e2b]\ntemplate = 7\n', {}).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      '[agentkernel] [e2b] /project/agentkernel.toml:2: remote.e2b.template: expected a string (sandbox template), got integer 7',
    );
  });

  it('opens the local backend with [local] and a data directory of its own', async () => {
    const context = await open(recordingPlugin('local', []), '[local]\nisolation = "bubblewrap"\n', {});
    expect(context.config).toEqual({ isolation: 'bubblewrap', template: 'base' });
    expect(context.credentials).toEqual({});
    expect(context.dataDir).toBe(join(home, 'plugins', 'local'));
  });

  it("lets a stub plugin's own open decide", async () => {
    const stub: BackendPlugin = {
      ...recordingPlugin('agentcomputer'),
      status: 'stub',
      credentials: [],
      open() {
        throw new BackendNotAvailableError('agentcomputer', 'the live adapter is not written yet');
      },
    };
    const error: unknown = await openBackend(stub, { loaded: loadedFrom(''), env: {}, home, logger }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(BackendNotAvailableError);
    expect((error as Error).message).toBe(
      '[agentkernel] [agentcomputer] the live adapter is not written yet',
    );
  });
});
