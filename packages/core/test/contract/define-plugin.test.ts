import { describe, expect, it } from 'vitest';
import { assertBackendPlugin, definePlugin, SPECIFICATION_VERSION, type Backend } from '../../src/index.js';

const definition = {
  name: 'acme',
  version: '1.2.0',
  description: 'Acme sandboxes',
  credentials: [],
  configSchema: {},
  open: (): Backend => {
    throw new Error('not opened in this test');
  },
};

describe('definePlugin', () => {
  it('builds a plugin object of this specification version whose listed capabilities are true', () => {
    const plugin = definePlugin({ ...definition, capabilities: ['pty', 'list', 'backgroundProcesses'] });
    expect(plugin.specificationVersion).toBe(SPECIFICATION_VERSION);
    expect(plugin).toMatchObject({ name: 'acme', version: '1.2.0', description: 'Acme sandboxes' });
    expect(plugin).toHaveProperty('open', definition.open);
    expect(plugin.capabilities).toEqual({
      nativeSnapshots: false,
      pauseResume: false,
      pty: true,
      streamingExec: false,
      list: true,
      ports: false,
      backgroundProcesses: true,
    });
  });

  it('leaves out a flag added after v1 unless it is listed, as a plugin written before it does', () => {
    const plugin = definePlugin({ ...definition, capabilities: ['ports'] });
    expect(plugin.capabilities).toEqual({
      nativeSnapshots: false,
      pauseResume: false,
      pty: false,
      streamingExec: false,
      list: false,
      ports: true,
    });
    expect(() => assertBackendPlugin(plugin, 'acme')).not.toThrow();
  });
});
