import { expect } from 'vitest';
import type { BackendPlugin, CredentialSpec, LoadedConfig } from '../../src/index.js';
import { parseConfig } from '../../src/index.js';

export const FILE = '/project/agentkernel.toml';

/** A LoadedConfig as loadConfig builds it, from TOML text that must have no errors. */
export function loadedFrom(toml: string): LoadedConfig {
  const parsed = parseConfig(toml, FILE);
  expect(parsed.errors).toEqual([]);
  return {
    file: FILE,
    projectRoot: '/project',
    config: parsed.config,
    warnings: parsed.warnings,
    keyLines: parsed.keyLines,
  };
}

export function credential(key: string, env: string[], required = true, secret = true): CredentialSpec {
  return { key, env, required, secret, description: `the ${key}` };
}

export function pluginShape(
  name: string,
  credentials: CredentialSpec[],
): Pick<BackendPlugin, 'name' | 'credentials'> {
  return { name, credentials };
}
