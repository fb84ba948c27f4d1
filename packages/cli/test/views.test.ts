import { describe, expect, it } from 'vitest';
import type { Discovery, PluginCandidate } from '@agentkernel/core';
import { describeCredential } from '../src/runtime/credentials.js';
import { pluginView } from '../src/runtime/plugin-view.js';

const candidate = (over: Partial<PluginCandidate> = {}): PluginCandidate => ({
  name: 'acme',
  packageName: 'agentkernel-backend-acme',
  version: '1.2.3',
  specificationVersion: 'agentkernel-backend-v1',
  status: 'ready',
  dir: '/n/acme',
  origin: 'project',
  ...over,
});
const discovery = (plugins: PluginCandidate[], conflicts: Discovery['conflicts'] = []): Discovery => ({
  plugins,
  warnings: [],
  conflicts,
});

describe('pluginView', () => {
  it('shows the fields plugins list --json promises', () => {
    const c = candidate();
    expect(pluginView(c, discovery([c]))).toEqual({
      name: 'acme',
      package: 'agentkernel-backend-acme',
      version: '1.2.3',
      specificationVersion: 'agentkernel-backend-v1',
      status: 'ready',
      origin: 'project',
      description: null,
      dir: '/n/acme',
      problem: null,
    });
  });

  it('marks a plugin broken for a known problem, an unsupported contract or a name claimed twice', () => {
    const problem = candidate({ problem: 'package.json is not JSON' });
    expect(pluginView(problem, discovery([problem]))).toMatchObject({
      status: 'broken',
      problem: 'package.json is not JSON',
    });
    const future = candidate({ specificationVersion: 'agentkernel-backend-v9' });
    expect(pluginView(future, discovery([future])).problem).toMatch(
      /declares agentkernel-backend-v9; this agentkernel supports agentkernel-backend-v1/,
    );
    const other = candidate({ packageName: '@x/agentkernel-backend-acme' });
    const view = pluginView(
      other,
      discovery(
        [candidate(), other],
        [{ name: 'acme', packages: ['agentkernel-backend-acme', '@x/agentkernel-backend-acme'] }],
      ),
    );
    expect(view).toMatchObject({
      status: 'broken',
      problem: 'backend name "acme" is also claimed by agentkernel-backend-acme',
    });
  });
});

describe('describeCredential', () => {
  const base = { backend: 'e2b', key: 'api_key', required: true, secret: true, env: ['E2B_API_KEY'] };
  it('names the source when set and the variables when not', () => {
    expect(describeCredential({ ...base, source: 'env:E2B_API_KEY' })).toBe('env:E2B_API_KEY (set)');
    expect(describeCredential({ ...base, source: 'inline' })).toBe('inline (set)');
    expect(describeCredential({ ...base, source: null })).toBe('missing: set E2B_API_KEY');
    expect(describeCredential({ ...base, required: false, source: null })).toBe(
      'not set (optional; E2B_API_KEY)',
    );
    expect(describeCredential({ ...base, env: [], source: null })).toBe(
      'missing: set [remote.e2b] api_key_env',
    );
  });
});
