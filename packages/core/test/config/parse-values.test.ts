import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, formatConfigIssue, parseConfig } from '../../src/index.js';

const FILE = 'agentkernel.toml';

describe('parseConfig values', () => {
  it('reads an empty file, or one with only comments, as the defaults', () => {
    for (const text of ['', '\n  \n', '# nothing yet\n', '\uFEFF']) {
      expect(parseConfig(text, FILE)).toEqual({
        config: defaultConfig(),
        errors: [],
        warnings: [],
        keyLines: {},
      });
    }
    expect(defaultConfig()).toEqual({
      sandbox: {},
      resources: {},
      security: { network: true, mountCwd: false },
      network: { ports: [] },
      remote: { providers: {}, profiles: {} },
      plugins: { paths: [] },
      local: { isolation: 'bubblewrap' },
    });
  });

  it('keeps the secret out of every message and of the warnings object', () => {
    const secret = 'e2b_live_0123456789';
    const result = parseConfig(`[remote.e2b]\napi_key = "${secret}"\nregion = 7\n`, FILE);
    expect(JSON.stringify(result.warnings)).not.toContain(secret);
    expect(JSON.stringify(result.errors)).not.toContain(secret);
    expect(result.warnings).toHaveLength(1);
  });

  it('keeps the secret out of a syntax error on its own line', () => {
    const result = parseConfig('[remote.e2b]\napi_key = "e2b_live_0123456789\n', FILE);
    expect(result.errors.map(formatConfigIssue)).toEqual([
      'agentkernel.toml:2: remote.e2b.api_key: TOML syntax error: Bad basic string',
    ]);
  });

  it("reads a full agentkernel.toml from agentkernel's documentation", () => {
    const toml = `
[sandbox]
name = "remote-app"
runtime = "node"
base_image = "node:22"
backend = "e2b"

[resources]
vcpus = 2
memory_mb = 2048

[security]
profile = "moderate"
network = false
mount_cwd = true

[network]
ports = ["3000", 8080]

[remote]
default_profile = "node-dev"
bridge = "./scripts/remote-bridge.mjs"
sync_mode = "managed"

[remote.daytona]
api_key_env = "DAYTONA_API_KEY"
base_url = "https://app.daytona.io/api"
organization = "acme"
region = "us"

[remote.modal]
token_id_env = "MODAL_TOKEN_ID"
token_secret_env = "MODAL_TOKEN_SECRET"
project = "agentkernel"
timeout_ms = 5000

[remote.profiles.node-dev]
image = "node:22"
workspace_dir = "/workspace"
bootstrap = "npm install"

[remote.profiles.node-dev.env]
NODE_ENV = "development"

[remote.profiles.multi]
bootstrap = ["apt-get update", "apt-get install -y git"]

[plugins]
paths = ["./plugins/acme", "/opt/agentkernel/other"]

[local]
isolation = "bubblewrap"
cache_dir = ".cache"
`;
    const result = parseConfig(toml, '/home/me/project/agentkernel.toml');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.config).toEqual({
      sandbox: { name: 'remote-app', runtime: 'node', baseImage: 'node:22', backend: 'e2b' },
      resources: { vcpus: 2, memoryMb: 2048 },
      security: { profile: 'moderate', network: false, mountCwd: true },
      network: { ports: [3000, 8080] },
      remote: {
        bridge: './scripts/remote-bridge.mjs',
        syncMode: 'managed',
        defaultProfile: 'node-dev',
        providers: {
          daytona: {
            api_key_env: 'DAYTONA_API_KEY',
            base_url: 'https://app.daytona.io/api',
            organization: 'acme',
            region: 'us',
          },
          modal: {
            token_id_env: 'MODAL_TOKEN_ID',
            token_secret_env: 'MODAL_TOKEN_SECRET',
            project: 'agentkernel',
            timeout_ms: 5000,
          },
        },
        profiles: {
          'node-dev': {
            name: 'node-dev',
            image: 'node:22',
            bootstrap: ['npm install'],
            workspaceDir: '/workspace',
            env: { NODE_ENV: 'development' },
          },
          multi: {
            name: 'multi',
            bootstrap: ['apt-get update', 'apt-get install -y git'],
            workspaceDir: '/workspace',
            env: {},
          },
        },
      },
      plugins: { paths: [resolve('/home/me/project/plugins/acme'), resolve('/opt/agentkernel/other')] },
      local: { isolation: 'bubblewrap', cache_dir: '.cache' },
    });
    expect(result.keyLines['remote.profiles.node-dev.env.NODE_ENV']).toBe(43);
  });

  it('replaces invalid values by their defaults', () => {
    const result = parseConfig('[security]\nnetwork = 1\nmount_cwd = "no"\n[local]\nisolation = 3\n', FILE);
    expect(result.errors).toHaveLength(3);
    expect(result.config.security).toEqual({ network: true, mountCwd: false });
    expect(result.config.local).toEqual({ isolation: 'bubblewrap' });
  });
});
