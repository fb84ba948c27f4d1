import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSnapshotManifest } from '../../src/snapshot/manifest.js';
import { availableSnapshotName, defaultSnapshotName } from '../../src/snapshot/names.js';
import { LocalSnapshotStore } from '../../src/snapshot/store.js';
import { validManifest } from './fixtures.js';

describe('checkSnapshotManifest', () => {
  it('accepts a complete manifest, with or without a native handle', () => {
    expect(checkSnapshotManifest(validManifest()).problems).toEqual([]);
    const native = validManifest({
      native: { backend: 'e2b', id: 'snap-1', metadata: { region: 'eu' } },
      remote_snapshot: 'snap-1',
    });
    expect(checkSnapshotManifest(native)).toEqual({ manifest: native, problems: [] });
  });

  it('names the exact field path of each problem', () => {
    const broken = validManifest() as unknown as Record<string, Record<string, unknown>>;
    (broken.source as { resources: { vcpus: unknown } }).resources.vcpus = '2';
    broken.workspace!.archiveSha256 = 'xyz';
    delete (broken.source as Record<string, unknown>).remoteId;
    (broken as Record<string, unknown>).native = { backend: 'e2b' };
    expect(checkSnapshotManifest(broken).problems).toEqual([
      'source.remoteId: missing',
      'source.resources.vcpus: expected a non-negative integer, got "2"',
      'workspace.archiveSha256: expected a sha256 hex digest, got "xyz"',
      'native.id: missing',
      'native.metadata: missing',
      'vcpus: must equal source.resources.vcpus ("2"), got 2',
    ]);
  });

  it('refuses other spec versions and non-objects', () => {
    expect(checkSnapshotManifest({ ...validManifest(), specVersion: 2 }).problems).toEqual([
      'specVersion: expected 1, got 2',
    ]);
    expect(checkSnapshotManifest([]).problems).toEqual(['(root): expected an object']);
  });

  it("requires agentkernel's own metadata fields to agree with the spec fields", () => {
    expect(checkSnapshotManifest(validManifest({ backend: 'docker' })).problems).toEqual([
      'backend: must equal source.backend ("local"), got "docker"',
    ]);
    expect(checkSnapshotManifest(validManifest({ name: 'bad name' })).problems).toEqual([
      'name: expected a valid snapshot name, got "bad name"',
    ]);
  });
});

describe('snapshot names', () => {
  it('defaults to <sandbox>-YYYYMMDD, shortened to a valid name', () => {
    expect(defaultSnapshotName('app', new Date(2026, 0, 5))).toBe('app-20260105');
    const long = `${'x'.repeat(53)}--y`;
    const name = defaultSnapshotName(long, new Date(2026, 11, 31));
    expect(name).toBe(`${'x'.repeat(53)}-20261231`);
    expect(name.length).toBeLessThanOrEqual(63);
  });

  it('adds -2, -3 when taken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ak-names-'));
    await mkdir(join(dir, 'app-20260105'));
    await mkdir(join(dir, 'app-20260105-2'));
    const store = new LocalSnapshotStore(dir);
    expect(await availableSnapshotName(store, 'app-20260105')).toBe('app-20260105-3');
    expect(await availableSnapshotName(store, 'other')).toBe('other');
    await rm(dir, { recursive: true });
  });
});
