import { describe, expect, it } from 'vitest';
import { defaultConfig, isValidSandboxName, type LoadedConfig } from '@agentkernel/core';
import { newSandboxName } from '../src/runtime/names.js';
import { restoredName } from '../src/runtime/snapshots.js';
import { creationFor, publishedPorts } from '../src/runtime/spec.js';

function loaded(edit: (config: LoadedConfig['config']) => void = () => undefined): LoadedConfig {
  const config = defaultConfig();
  edit(config);
  return { file: '/p/agentkernel.toml', projectRoot: '/p', config, warnings: [], keyLines: {} };
}

describe('creationFor', () => {
  it('uses the config when no flag is given', () => {
    const creation = creationFor(
      loaded((c) => {
        c.sandbox.baseImage = 'node:22';
        c.resources.vcpus = 2;
        c.resources.memoryMb = 1024;
        c.security.network = false;
        c.security.mountCwd = true;
        c.network.ports = [3000];
      }),
      'local',
      'demo',
      {},
    );
    expect(creation.spec).toEqual({
      name: 'demo',
      image: 'node:22',
      vcpus: 2,
      memoryMb: 1024,
      network: false,
      ports: [3000],
      env: {},
      workspaceDir: '/workspace',
      labels: {},
    });
    expect(creation.mountCwd).toBe(true);
  });

  it('lets flags win, including false ones', () => {
    const creation = creationFor(
      loaded((c) => {
        c.security.mountCwd = true;
        c.network.ports = [3000];
      }),
      'local',
      'demo',
      { image: 'alpine', vcpus: 4, memoryMb: 512, port: [8080, 8080, 9090], network: false, mountCwd: false },
    );
    expect(creation.spec).toMatchObject({
      image: 'alpine',
      vcpus: 4,
      memoryMb: 512,
      ports: [8080, 9090],
      network: false,
    });
    expect(creation.mountCwd).toBe(false);
  });

  it('applies a profile: --profile, else the backend table, else [remote] default_profile', () => {
    const withProfiles = (c: LoadedConfig['config']) => {
      c.remote.profiles = {
        py: {
          name: 'py',
          image: 'python:3.12',
          bootstrap: ['pip install x'],
          workspaceDir: '/code',
          env: { A: '1' },
        },
        js: { name: 'js', bootstrap: [], workspaceDir: '/workspace', env: {} },
      };
      c.remote.defaultProfile = 'js';
      c.remote.providers.e2b = { profile: 'py' };
    };
    const fromFlag = creationFor(loaded(withProfiles), 'local', 'd', { profile: 'py' });
    expect(fromFlag.spec).toMatchObject({ image: 'python:3.12', workspaceDir: '/code', env: { A: '1' } });
    expect(fromFlag.profile?.name).toBe('py');
    expect(creationFor(loaded(withProfiles), 'e2b', 'd', {}).profile?.name).toBe('py');
    expect(creationFor(loaded(withProfiles), 'local', 'd', {}).profile?.name).toBe('js');
    expect(creationFor(loaded(withProfiles), 'local', 'd', { image: 'mine', profile: 'py' }).spec.image).toBe(
      'mine',
    );
  });

  it('names the defined profiles when an unknown one is asked for', () => {
    const config = loaded((c) => {
      c.remote.profiles = { py: { name: 'py', bootstrap: [], workspaceDir: '/workspace', env: {} } };
    });
    expect(() => creationFor(config, 'local', 'd', { profile: 'rust' })).toThrow(
      /no profile named "rust" in \/p\/agentkernel.toml: defined profiles: py/,
    );
  });

  it.each([
    [{ vcpus: 0 }, /--vcpus 0/],
    [{ vcpus: 1.5 }, /--vcpus 1.5/],
    [{ memoryMb: Number.NaN }, /--memory-mb NaN/],
    [{ port: [70000] }, /--port 70000/],
    [{ port: [Number.NaN] }, /--port NaN/],
  ])('refuses %j', (flags, message) => {
    expect(() => creationFor(loaded(), 'local', 'd', flags)).toThrow(message);
  });
});

describe('newSandboxName', () => {
  it('takes the given name, else the configured one, else the project folder', () => {
    expect(newSandboxName('given', 'configured', '/p/folder')).toBe('given');
    expect(newSandboxName(undefined, 'configured', '/p/folder')).toBe('configured');
    expect(newSandboxName(undefined, undefined, '/home/me/My Project!')).toBe('My-Project');
    expect(newSandboxName(undefined, undefined, '/x/a__b')).toBe('a-b');
  });
  it('refuses an invalid given name and a folder name it cannot fix', () => {
    expect(() => newSandboxName('bad name', undefined, '/p')).toThrow(/invalid sandbox name/);
    expect(() => newSandboxName(undefined, undefined, '/x/---')).toThrow(/cannot make a sandbox name/);
  });
});

describe('restoredName', () => {
  it('appends -restored and stays a valid name', () => {
    expect(restoredName('demo')).toBe('demo-restored');
    // 55 characters: cut to 54, then the dangling "-" goes, so no "--" appears.
    const long = restoredName(`${'a'.repeat(53)}-x`);
    expect(long).toBe(`${'a'.repeat(53)}-restored`);
    expect(isValidSandboxName(long)).toBe(true);
  });
});

describe('publishedPorts: -p/--publish as agentkernel writes it', () => {
  it.each([
    [['3000'], [3000], 0],
    [['8080:80'], [80], 1],
    [['80:80'], [80], 0],
    [['3000/udp'], [3000], 1],
    [['8080:80/tcp', '5432'], [80, 5432], 1],
  ])('%j', (values, ports, notes) => {
    const result = publishedPorts(values);
    expect(result.ports).toEqual(ports);
    expect(result.notes).toHaveLength(notes);
  });

  it.each([['http'], ['8080:'], [':80'], ['80/sctp'], ['1:2:3']])(
    'refuses %j saying how to write it',
    (value) => {
      expect(() => publishedPorts([value])).toThrow(/write PORT, HOST:PORT or PORT\/udp/);
    },
  );
});
