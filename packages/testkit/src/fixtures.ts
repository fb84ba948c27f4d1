import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxSpec } from '@agentkernel/core';

/**
 * A factory of minimal sandbox specs for a plugin's own tests: each call gives a fresh valid name,
 * `<prefix>-test-<pid>-<n>`, with `defaults` and then the call's `overrides` applied.
 */
export function sandboxSpecs(
  prefix: string,
  defaults: Partial<SandboxSpec> = {},
): (overrides?: Partial<SandboxSpec>) => SandboxSpec {
  let count = 0;
  return (overrides = {}) => {
    count += 1;
    return {
      name: `${prefix}-test-${process.pid}-${count}`,
      network: false,
      ports: [],
      env: {},
      workspaceDir: '/workspace',
      labels: {},
      ...defaults,
      ...overrides,
    };
  };
}

/** Every `.ts` file below `dir`, for tests that read a plugin's own sources. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/**
 * `vi.waitFor` options for what a fake finishes after the call under test returned (a cleanup after an
 * abort, a command that runs on): generous, because a loaded CI machine is many times slower than a
 * laptop, and a fixed sleep there fails at random.
 */
export const SETTLE = { timeout: 20_000, interval: 50 } as const;
