import { describe, expect, it } from 'vitest';
import { loadEnvdDescriptors } from '../src/testing/descriptors.js';

describe('envd descriptors from the installed SDK', () => {
  it('finds the process and filesystem services with the methods the SDK calls', () => {
    const { process, filesystem } = loadEnvdDescriptors();
    expect(process.methods.map((m) => m.name).sort()).toEqual(
      ['CloseStdin', 'Connect', 'List', 'SendInput', 'SendSignal', 'Start', 'StreamInput', 'Update'].sort(),
    );
    expect(process.method.start?.methodKind).toBe('server_streaming');
    expect(filesystem.methods.map((m) => m.name)).toEqual(
      expect.arrayContaining(['Stat', 'MakeDir', 'Move', 'ListDir', 'Remove', 'WatchDir']),
    );
  });
});
