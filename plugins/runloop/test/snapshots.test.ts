import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, type Backend } from '@agentkernel/core';
import { startFakeRunloop, type FakeRunloop } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeRunloop;
let backend: Backend;
beforeAll(async () => {
  fake = await startFakeRunloop({ transitionMs: 100 });
  backend = await openAgainst(fake);
});
afterAll(async () => {
  await fake.close();
});

describe('disk snapshots', () => {
  it('restore files, modes, symlinks and the devbox env into a new devbox, then delete', async () => {
    const source = await backend.create(spec({ env: { FROM_SPEC: 'kept' } }));
    await source.writeFile('app/run.sh', Buffer.from('#!/bin/sh\necho "run $FROM_SPEC"\n'), { mode: 0o750 });
    await source.exec(['ln', '-s', 'run.sh', 'app/link']);
    const snapshot = await source.snapshot!('before step 2');
    expect(snapshot).toMatchObject({
      backend: 'runloop',
      metadata: { name: 'before step 2', devboxId: source.ref.id },
    });
    expect(fake.snapshots().find((s) => s.id === snapshot.id)?.status).toBe('complete');
    await source.writeFile('app/run.sh', Buffer.from('changed'));
    const restored = await backend.create(spec({ fromSnapshot: snapshot }));
    const check = await restored.exec(['sh', '-c', 'stat -c %a app/run.sh; readlink app/link; ./app/run.sh']);
    expect(check.stdout.toString()).toBe('750\nrun.sh\nrun kept\n');
    await backend.deleteSnapshot!(snapshot);
    expect(fake.snapshots().map((s) => s.id)).not.toContain(snapshot.id);
    const error: unknown = await backend
      .create(spec({ fromSnapshot: snapshot }))
      .catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error) && error.exitCode).toBe(5);
    // Deleting a snapshot that is gone succeeds.
    await backend.deleteSnapshot!(snapshot);
    await source.destroy();
    await restored.destroy();
  });

  it('finds the snapshot a lost answer started rather than taking a second one', async () => {
    const source = await backend.create(spec());
    const before = fake.snapshots().length;
    fake.injectFault({
      kind: 'drop-response',
      match: `POST /v1/devboxes/${source.ref.id}/snapshot_disk_async`,
    });
    const snapshot = await source.snapshot!('lost answer');
    expect(fake.snapshots().length - before).toBe(1);
    expect(fake.snapshots().map((s) => s.id)).toContain(snapshot.id);
    await backend.deleteSnapshot!(snapshot);
    await source.destroy();
  });

  it('retries the lookup of a lost answer too (found by the fault matrix)', async () => {
    const source = await backend.create(spec());
    const before = fake.snapshots().length;
    fake.injectFault({
      kind: 'drop-response',
      match: `POST /v1/devboxes/${source.ref.id}/snapshot_disk_async`,
    });
    fake.injectFault({ kind: 'status', status: 503, match: 'GET /v1/devboxes/disk_snapshots', times: 2 });
    const snapshot = await source.snapshot!('lookup refused');
    expect(fake.snapshots().length - before).toBe(1);
    await backend.deleteSnapshot!(snapshot);
    await source.destroy();
  });

  it('refuses to restore another backend snapshot', async () => {
    const error: unknown = await backend
      .create(spec({ fromSnapshot: { backend: 'local', id: 'x', metadata: {} } }))
      .catch((caught: unknown) => caught);
    expect(String(error)).toContain('is a local snapshot, not a Runloop one');
  });
});
