import { expect } from 'vitest';
import { assertBackendPlugin, CAPABILITY_NAMES, SPECIFICATION_VERSION } from '@agentkernel/core';
import type { Harness } from '../harness.js';

export function shapeTests(h: Harness): void {
  h.test('plugin-shape', 'the plugin object is valid and its capabilities match its members', async () => {
    const plugin = h.backend.plugin;
    assertBackendPlugin(plugin, h.options.name);
    expect(plugin.specificationVersion).toBe(SPECIFICATION_VERSION);
    expect(plugin.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(plugin.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const name of CAPABILITY_NAMES) expect(typeof plugin.capabilities[name], `capabilities.${name}`).toBe('boolean');
    for (const credential of plugin.credentials) {
      expect([typeof credential.key, typeof credential.required, typeof credential.secret]).toEqual(['string', 'boolean', 'boolean']);
      expect(Array.isArray(credential.env), `credential ${credential.key}: env`).toBe(true);
    }

    const caps = plugin.capabilities;
    const backend = h.backend;
    const handle = h.shared;
    expect(typeof backend.list === 'function', 'capabilities.list vs backend.list').toBe(caps.list);
    expect(typeof handle.endpoints === 'function', 'capabilities.ports vs handle.endpoints').toBe(caps.ports);
    expect(typeof handle.shell === 'function', 'capabilities.pty vs handle.shell').toBe(caps.pty);
    expect(typeof handle.snapshot === 'function', 'capabilities.nativeSnapshots vs handle.snapshot').toBe(caps.nativeSnapshots);
    expect(typeof backend.deleteSnapshot === 'function', 'capabilities.nativeSnapshots vs backend.deleteSnapshot').toBe(
      caps.nativeSnapshots,
    );
    expect(handle.ref.backend).toBe(plugin.name);
    expect(JSON.parse(JSON.stringify(handle.ref))).toEqual(handle.ref);
    for (const value of Object.values(handle.ref.metadata)) expect(typeof value).toBe('string');
  });
}
