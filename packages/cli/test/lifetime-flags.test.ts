import { describe, expect, it } from 'vitest';
import { defaultConfig, UsageError, type LoadedConfig } from '@agentkernel/core';
import { matchesLabels, parseLabels } from '../src/runtime/labels.js';
import { creationFor } from '../src/runtime/spec.js';

function loaded(edit: (config: LoadedConfig['config']) => void = () => undefined): LoadedConfig {
  const config = defaultConfig();
  edit(config);
  return { file: '/p/agentkernel.toml', projectRoot: '/p', config, warnings: [], keyLines: {} };
}

const usageDetail = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (UsageError.isInstance(error)) return error.detail;
    throw error;
  }
  throw new Error('no usage error');
};

describe('--ttl, --idle-timeout and --label on create', () => {
  it('take [sandbox] ttl and idle_timeout when no flag is given', () => {
    const creation = creationFor(
      loaded((c) => {
        c.sandbox.ttlMs = 7_200_000;
        c.sandbox.idleTimeoutMs = 600_000;
      }),
      'e2b',
      'demo',
      {},
    );
    expect(creation.ttlMs).toBe(7_200_000);
    expect(creation.spec.idleTimeoutMs).toBe(600_000);
  });

  it('flags win over the config, and --ttl 0 drops the TTL the config sets', () => {
    const config = loaded((c) => {
      c.sandbox.ttlMs = 7_200_000;
    });
    const flagged = creationFor(config, 'e2b', 'demo', { ttl: '30m', idleTimeout: '90s' });
    expect(flagged.ttlMs).toBe(1_800_000);
    expect(flagged.spec.idleTimeoutMs).toBe(90_000);
    expect(creationFor(config, 'e2b', 'demo', { ttl: '0' })).not.toHaveProperty('ttlMs');
    expect(creationFor(loaded(), 'e2b', 'demo', {})).not.toHaveProperty('ttlMs');
    expect(creationFor(loaded(), 'e2b', 'demo', {}).spec).not.toHaveProperty('idleTimeoutMs');
  });

  it('refuses bad durations naming the flag', () => {
    expect(usageDetail(() => creationFor(loaded(), 'local', 'd', { ttl: 'tomorrow' }))).toBe(
      '--ttl "tomorrow": write a duration such as 90s, 30m, 1h, 2d or 1h30m',
    );
    expect(usageDetail(() => creationFor(loaded(), 'local', 'd', { idleTimeout: '0' }))).toBe(
      '--idle-timeout "0": give at least 1s',
    );
    expect(usageDetail(() => creationFor(loaded(), 'local', 'd', { idleTimeout: '5x' }))).toContain(
      '--idle-timeout "5x"',
    );
  });

  it('labels become the spec labels; bad ones name the flag', () => {
    const creation = creationFor(loaded(), 'local', 'd', { label: ['team=infra', 'url=a=b', 'team=data'] });
    expect(creation.spec.labels).toEqual({ team: 'data', url: 'a=b' });
    expect(usageDetail(() => creationFor(loaded(), 'local', 'd', { label: ['=x'] }))).toBe(
      '--label "=x": write key=value',
    );
    expect(usageDetail(() => creationFor(loaded(), 'local', 'd', { label: ['bad key=x'] }))).toContain(
      '--label: "bad key": keys are 1-63 letters',
    );
    expect(usageDetail(() => creationFor(loaded(), 'local', 'd', { label: ['agentkernel.state=x'] }))).toBe(
      "--label: keys starting with agentkernel. are agentkernel's own",
    );
  });
});

describe('label filters', () => {
  it('parse key:value for the API and key=value for the CLI; every one must match', () => {
    expect(parseLabels(['team:infra', 'url:http://x'], ':', 'label filter')).toEqual({
      team: 'infra',
      url: 'http://x',
    });
    expect(usageDetail(() => parseLabels(['team=infra'], ':', 'label filter'))).toBe(
      'label filter "team=infra": write key:value',
    );
    expect(matchesLabels({ team: 'infra', tier: 'dev' }, { team: 'infra' })).toBe(true);
    expect(matchesLabels({ team: 'infra' }, { team: 'infra', tier: 'dev' })).toBe(false);
    expect(matchesLabels(undefined, {})).toBe(true);
    expect(matchesLabels(undefined, { team: 'infra' })).toBe(false);
  });
});
