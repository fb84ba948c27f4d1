import type { SandboxSpec } from '@agentkernel/core';

let count = 0;

/** A minimal spec with a fresh name. */
export function spec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  count += 1;
  return {
    name: `runloop-test-${process.pid}-${count}`,
    network: true,
    ports: [],
    env: {},
    workspaceDir: '/workspace',
    labels: {},
    ...overrides,
  };
}
