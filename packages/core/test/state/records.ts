import type { SandboxRecord } from '../../src/index.js';

/** A plausible record with every field set. */
export function sampleRecord(name: string, overrides: Partial<SandboxRecord> = {}): SandboxRecord {
  return {
    version: 1,
    name,
    backend: 'e2b',
    ref: { backend: 'e2b', id: 'sbx-123', metadata: { domain: 'e2b.app' } },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    image: 'base',
    vcpus: 2,
    memoryMb: 2048,
    network: true,
    ports: [3000],
    workspaceDir: '/workspace',
    projectDir: '/home/u/project',
    mountCwd: true,
    ...overrides,
  };
}
