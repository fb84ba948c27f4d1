import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors/errors.js';
import {
  emptyManifest,
  readSyncManifest,
  saveManifest,
  writeSyncManifest,
} from '../../src/sync/sync-manifest.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ak-sync-manifest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the sync manifest', () => {
  it('round-trips bases and both stat caches, storing shared digests once', async () => {
    const manifest = emptyManifest('/workspace');
    const digest = 'd'.repeat(64);
    manifest.remoteClock = 1_800_000_000;
    manifest.entries.set('src/a.ts', { kind: 'file', mode: 0o644, sha256: digest });
    manifest.entries.set('src', { kind: 'dir', mode: 0o755 });
    manifest.entries.set('link', { kind: 'symlink', mode: 0, target: '../x y' });
    manifest.entries.set('pending', { kind: 'file', mode: 0o600 });
    manifest.local.set('src/a.ts', [12, 1_799_999_999_123.456, digest]);
    manifest.remote.set('src/a.ts', [12, 1_799_999_999, digest]);
    manifest.remote.set('remote-only.txt', [3, 1_799_999_000, 'e'.repeat(64)]);
    const file = join(dir, 'nested', 'sync.json');
    await writeSyncManifest(file, manifest);
    expect(await readSyncManifest(file, '/workspace')).toEqual(manifest);
    expect((await readFile(file, 'utf8')).split(digest).length - 1).toBe(1);
  });

  it('is absent for a first sync or another workspace folder', async () => {
    expect(await readSyncManifest(join(dir, 'none.json'), '/workspace')).toBeUndefined();
    const file = join(dir, 'other.json');
    await writeSyncManifest(file, emptyManifest('/home/user/work'));
    expect(await readSyncManifest(file, '/workspace')).toBeUndefined();
  });

  it('refuses a damaged file with a hint instead of starting over silently', async () => {
    const file = join(dir, 'damaged.json');
    await writeFile(file, '{"version":1,');
    const error = await readSyncManifest(file, '/workspace').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).message).toContain(file);
    expect((error as StateError).hint).toContain('delete');
    await writeFile(
      file,
      JSON.stringify({ version: 9, workspaceDir: '/workspace', remoteClock: 0, paths: {} }),
    );
    await expect(readSyncManifest(file, '/workspace')).rejects.toThrow(/version 9/);
  });

  // A listing from an old clock hashes every file modified since it; kept as the quick check's mark,
  // every quick pull would hash them all again.
  it('skips a write that records nothing new, but takes a newer clock when asked to', async () => {
    const file = join(dir, 'clock.json');
    const previous = emptyManifest('/workspace');
    previous.remoteClock = 1_800_000_000;
    previous.entries.set('a.txt', { kind: 'file', mode: 0o644, sha256: 'a'.repeat(64) });
    await writeSyncManifest(file, previous);
    const next = { ...previous, remoteClock: 1_800_000_500 };
    expect(await saveManifest(file, previous, next)).toBe(true);
    expect((await readSyncManifest(file, '/workspace'))?.remoteClock).toBe(1_800_000_000);
    expect(await saveManifest(file, previous, next, true)).toBe(true);
    expect((await readSyncManifest(file, '/workspace'))?.remoteClock).toBe(1_800_000_500);
  });
});
