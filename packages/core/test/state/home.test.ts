import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveHome } from '../../src/index.js';

describe('resolveHome', () => {
  it.each([
    [{ AGENTKERNEL_HOME: '/srv/ak', XDG_DATA_HOME: '/xdg', HOME: '/home/u' }, '/srv/ak'],
    [{ AGENTKERNEL_HOME: 'rel/ak' }, resolve('rel/ak')],
    [{ XDG_DATA_HOME: '/xdg', HOME: '/home/u' }, '/xdg/agentkernel'],
    [{ XDG_DATA_HOME: 'relative', HOME: '/home/u' }, '/home/u/.local/share/agentkernel'],
    [{ AGENTKERNEL_HOME: '', HOME: '/home/u' }, '/home/u/.local/share/agentkernel'],
    [{}, join(homedir(), '.local', 'share', 'agentkernel')],
  ])('%j gives %s', (env, expected) => {
    expect(resolveHome(env)).toBe(expected);
  });

  it('reads process.env by default', () => {
    const saved = process.env.AGENTKERNEL_HOME;
    process.env.AGENTKERNEL_HOME = '/tmp/agentkernel-home-test';
    try {
      expect(resolveHome()).toBe('/tmp/agentkernel-home-test');
    } finally {
      if (saved === undefined) delete process.env.AGENTKERNEL_HOME;
      else process.env.AGENTKERNEL_HOME = saved;
    }
  });
});
