import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AgentkernelError, assertBackendPlugin, type SandboxSpec } from '@agentkernel/core';
import { openForTest, testPluginShape } from '@agentkernel/testkit';
import { plugin } from '../src/index.js';

const open = (otherBackends?: string[]) =>
  openForTest(plugin, otherBackends === undefined ? {} : { otherBackends });

const spec: SandboxSpec = {
  name: 'x',
  network: true,
  ports: [],
  env: {},
  workspaceDir: '/workspace',
  labels: {},
};

async function failure(promise: Promise<unknown>): Promise<AgentkernelError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AgentkernelError.isInstance(error))
    throw new Error(`expected an AgentkernelError, got ${String(error)}`);
  return error;
}

testPluginShape({ name: 'agentcomputer', plugin, open: () => open() });

describe('agentcomputer plugin', () => {
  it('is a valid v1 plugin marked as a stub that declares no capability', () => {
    assertBackendPlugin(plugin, '@agentkernel/backend-agentcomputer');
    expect(plugin.name).toBe('agentcomputer');
    expect(plugin.status).toBe('stub');
    expect(Object.values(plugin.capabilities).every((value) => value === false)).toBe(true);
    expect(plugin.credentials.map((c) => c.env)).toEqual([['AGENTCOMPUTER_API_KEY']]);
  });

  it('keeps its version and package.json metadata in step', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
      agentkernel: { backend: string; status: string; specificationVersion: string };
    };
    expect(plugin.version).toBe(pkg.version);
    expect(pkg.agentkernel).toEqual({
      backend: plugin.name,
      status: 'stub',
      specificationVersion: plugin.specificationVersion,
    });
  });

  it('fails create with exit code 3, naming the backend and the installed alternatives', async () => {
    const backend = await open(['local', 'e2b']);
    const error = await failure(backend.create(spec));
    expect(error.code).toBe('BACKEND_NOT_AVAILABLE');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(
      "[agentkernel] [agentcomputer] cannot create a sandbox: the agentcomputer live adapter is not available yet (this plugin is a stub that keeps the contract's shape)",
    );
    expect(error.hint).toBe('use one of the installed backends instead: -B local, -B e2b');
  });

  it('fails reconnect the same way, and suggests installing a backend when none other is known', async () => {
    const backend = await open();
    const error = await failure(backend.reconnect({ backend: 'agentcomputer', id: 'ac-1', metadata: {} }));
    expect(error.code).toBe('BACKEND_NOT_AVAILABLE');
    expect(error.message).toContain('cannot reconnect to a sandbox');
    expect(error.hint).toBe('install another backend, e.g. npm install @agentkernel/backend-e2b');
  });

  it('offers none of the optional operations, matching its capabilities', async () => {
    const backend = await open();
    expect('list' in backend).toBe(false);
    expect('deleteSnapshot' in backend).toBe(false);
  });
});
