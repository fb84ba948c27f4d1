import type { SandboxSpec } from '@agentkernel/core';

let count = 0;

/** A minimal spec with a fresh name. */
export function spec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  count += 1;
  return {
    name: `modal-test-${process.pid}-${count}`,
    network: false,
    ports: [],
    env: {},
    workspaceDir: '/workspace',
    labels: {},
    ...overrides,
  };
}
