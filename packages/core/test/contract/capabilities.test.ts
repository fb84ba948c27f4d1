import { describe, expect, it } from 'vitest';
import { CapabilityUnsupportedError, optionalMethod } from '../../src/index.js';

interface Target {
  readonly id: string;
  snapshot?(name: string): Promise<string>;
  shell?(): Promise<number>;
}

describe('optionalMethod', () => {
  it('returns the member bound to its object', async () => {
    const target: Target = {
      id: 'sbx_1',
      snapshot(name) {
        return Promise.resolve(`${this.id}:${name}`);
      },
    };
    expect(await optionalMethod('e2b', target, 'snapshot', 'nativeSnapshots')('n1')).toBe('sbx_1:n1');
  });

  it('throws CapabilityUnsupportedError worded from the capability name, never a silent no-op', () => {
    const target: Target = { id: 'sbx_1' };
    const error = (() => {
      try {
        optionalMethod('modal', target, 'shell', 'pty');
      } catch (caught) {
        return caught;
      }
    })();
    expect(CapabilityUnsupportedError.isInstance(error)).toBe(true);
    expect((error as CapabilityUnsupportedError).message).toBe(
      '[agentkernel] [modal] backend "modal" does not support interactive shells (attach)',
    );
    expect((error as CapabilityUnsupportedError).capability).toBe('interactive shells (attach)');
  });
});
