import { describe, expect, it } from 'vitest';
import {
  assertBackendPlugin,
  CAPABILITY_NAMES,
  isBackendName,
  LATER_CAPABILITY_NAMES,
  SPECIFICATION_VERSION,
  type Backend,
  type BackendPlugin,
  type SandboxHandle,
} from '@agentkernel/core';
import type { Harness } from '../harness.js';

/** The plugin object is a valid v1 plugin with well-formed metadata. */
export function expectValidPlugin(plugin: BackendPlugin, source: string): void {
  assertBackendPlugin(plugin, source);
  expect(plugin.specificationVersion).toBe(SPECIFICATION_VERSION);
  expect(isBackendName(plugin.name), `backend name "${plugin.name}"`).toBe(true);
  expect(plugin.version).toMatch(/^\d+\.\d+\.\d+/);
  for (const name of CAPABILITY_NAMES) {
    if (plugin.capabilities[name] === undefined && LATER_CAPABILITY_NAMES.includes(name)) continue;
    expect(typeof plugin.capabilities[name], `capabilities.${name}`).toBe('boolean');
  }
  for (const credential of plugin.credentials) {
    expect([typeof credential.key, typeof credential.required, typeof credential.secret]).toEqual([
      'string',
      'boolean',
      'boolean',
    ]);
    expect(Array.isArray(credential.env), `credential ${credential.key}: env`).toBe(true);
  }
}

/** The backend's optional members exist exactly when its capabilities say so. */
export function expectBackendMatchesCapabilities(backend: Backend): void {
  const caps = backend.plugin.capabilities;
  expect(typeof backend.list === 'function', 'capabilities.list vs backend.list').toBe(caps.list);
  expect(
    typeof backend.deleteSnapshot === 'function',
    'capabilities.nativeSnapshots vs backend.deleteSnapshot',
  ).toBe(caps.nativeSnapshots);
}

function expectHandleMatchesCapabilities(plugin: BackendPlugin, handle: SandboxHandle): void {
  const caps = plugin.capabilities;
  expect(typeof handle.endpoints === 'function', 'capabilities.ports vs handle.endpoints').toBe(caps.ports);
  expect(typeof handle.shell === 'function', 'capabilities.pty vs handle.shell').toBe(caps.pty);
  expect(typeof handle.snapshot === 'function', 'capabilities.nativeSnapshots vs handle.snapshot').toBe(
    caps.nativeSnapshots,
  );
  expect(handle.ref.backend).toBe(plugin.name);
  expect(JSON.parse(JSON.stringify(handle.ref))).toEqual(handle.ref);
  for (const value of Object.values(handle.ref.metadata)) expect(typeof value).toBe('string');
}

export function shapeTests(h: Harness): void {
  h.test('plugin-shape', 'the plugin object is valid and its capabilities match its members', async () => {
    const plugin = h.backend.plugin;
    expectValidPlugin(plugin, h.options.name);
    expectBackendMatchesCapabilities(h.backend);
    expectHandleMatchesCapabilities(plugin, h.shared);
  });
}

/** Options of {@link testPluginShape}. */
export interface TestPluginShapeOptions {
  readonly name: string;
  readonly plugin: BackendPlugin;
  /** Opens the backend, to check its members against the capabilities; omit for a plugin that cannot open offline. */
  readonly open?: () => Promise<Backend>;
}

/**
 * The shape checks of the conformance suite alone, with no sandbox: for plugins that cannot create one here
 * (a stub, or a backend whose fake is not available), so their object and members are still checked.
 */
export function testPluginShape(options: TestPluginShapeOptions): void {
  const { open } = options;
  describe(`agentkernel plugin shape: ${options.name}`, () => {
    it('the plugin object is a valid v1 plugin', () => expectValidPlugin(options.plugin, options.name));
    it.skipIf(!open)(
      'the opened backend has exactly the optional members its capabilities declare',
      async () => {
        const backend = await open!();
        expect(backend.plugin).toBe(options.plugin);
        expectBackendMatchesCapabilities(backend);
      },
    );
  });
}
