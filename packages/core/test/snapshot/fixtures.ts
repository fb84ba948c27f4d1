import type { SnapshotManifest } from '../../src/snapshot/manifest.js';

const digest = 'a'.repeat(64);

/** A complete, consistent manifest to start tests from. */
export function validManifest(overrides: Partial<SnapshotManifest> = {}): SnapshotManifest {
  const createdAt = '2026-02-01T10:00:00.000Z';
  return {
    specVersion: 1,
    name: 'app-20260201',
    createdAt,
    source: {
      backend: 'local',
      sandbox: 'app',
      remoteId: 'app-1234',
      image: 'alpine:3.20',
      resources: { vcpus: 2, memoryMb: 1024 },
      ports: [3000],
    },
    workspace: {
      dir: '/workspace',
      fileCount: 3,
      bytes: 42,
      archiveBytes: 100,
      archiveSha256: digest,
      revision: 'b'.repeat(64),
    },
    sandbox: 'app',
    image_tag: 'alpine:3.20',
    backend: 'local',
    base_image: 'alpine:3.20',
    vcpus: 2,
    memory_mb: 1024,
    created_at: createdAt,
    ...overrides,
  };
}
