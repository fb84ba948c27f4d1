import { readFileSync } from 'node:fs';
import { sourceFiles } from '@agentkernel/testkit';
import { describe, expect, it } from 'vitest';
import { AgentkernelError, assertBackendPlugin } from '@agentkernel/core';
import plugin, { runloopPlugin } from '../src/index.js';
import { blueprintOf, resourceRequest } from '../src/launch.js';
import { openRunloop } from './helpers/open.js';

describe('the runloop plugin object', () => {
  it('is a valid plugin exported as default and as plugin, on the pinned SDK, declaring RUNLOOP_API_KEY as a secret', () => {
    assertBackendPlugin(plugin, '@agentkernel/backend-runloop');
    expect(plugin).toBe(runloopPlugin);
    expect(plugin.credentials).toEqual([
      expect.objectContaining({ key: 'api_key', env: ['RUNLOOP_API_KEY'], required: true, secret: true }),
    ]);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
      dependencies: Record<string, string>;
    };
    expect(plugin.version).toBe(pkg.version);
    expect(pkg.dependencies['@runloop/api-client']).toBe('1.32.0');
  });

  it('imports the vendor SDK only inside operations (type imports elsewhere)', () => {
    const root = new URL('../src/', import.meta.url).pathname;
    for (const file of sourceFiles(root).filter((path) => !path.includes('/testing/'))) {
      const text = readFileSync(file, 'utf8');
      for (const line of text.split('\n').filter((l) => /from '@runloop\/api-client/.test(l)))
        expect(line, `${file}: ${line}`).toMatch(/^import type /);
    }
  });

  it('without a key, opening fails with CredentialsMissingError naming RUNLOOP_API_KEY', async () => {
    const error: unknown = await openRunloop({}, {}).catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error) && error.message).toContain('RUNLOOP_API_KEY');
  });
});

describe('resource sizes', () => {
  it('picks the smallest named size with enough vCPUs and memory', () => {
    expect(resourceRequest(undefined, undefined)).toBeUndefined();
    expect(resourceRequest(0.5, 1024)).toEqual({ resource_size_request: 'X_SMALL' });
    expect(resourceRequest(1, undefined)).toEqual({ resource_size_request: 'SMALL' });
    expect(resourceRequest(2, 4096)).toEqual({ resource_size_request: 'MEDIUM' });
    expect(resourceRequest(2, 6000)).toEqual({ resource_size_request: 'LARGE' });
    expect(resourceRequest(undefined, 16 * 1024)).toEqual({ resource_size_request: 'X_LARGE' });
    expect(resourceRequest(8, 32 * 1024)).toEqual({ resource_size_request: 'XX_LARGE' });
  });

  it('asks for a custom size beyond the named ones, rounded up to Runloop steps and ratio', () => {
    expect(resourceRequest(12, undefined)).toEqual({
      resource_size_request: 'CUSTOM_SIZE',
      custom_cpu_cores: 12,
      custom_gb_memory: 24,
    });
    expect(resourceRequest(9, 40 * 1024)).toEqual({
      resource_size_request: 'CUSTOM_SIZE',
      custom_cpu_cores: 10,
      custom_gb_memory: 40,
    });
  });

  it('refuses what no Runloop devbox has, saying the limits', () => {
    expect(() => resourceRequest(32, undefined)).toThrow(/at most 16 vCPUs, 64 GiB/);
    expect(() => resourceRequest(undefined, 100 * 1024)).toThrow(/at most 16 vCPUs/);
  });

  it('maps default and base images to Runloop default image, anything else to a blueprint name', () => {
    const settings = { blueprint: undefined } as Parameters<typeof blueprintOf>[1];
    expect(blueprintOf(undefined, settings)).toBeUndefined();
    expect(blueprintOf('default', settings)).toBeUndefined();
    expect(blueprintOf('base', settings)).toBeUndefined();
    expect(blueprintOf('python-3.12', settings)).toBe('python-3.12');
    expect(blueprintOf(undefined, { ...settings, blueprint: 'team-image' })).toBe('team-image');
  });
});
