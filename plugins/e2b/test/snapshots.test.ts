import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError, type Backend } from '@agentkernel/core';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

let fake: FakeE2B;
let backend: Backend;
beforeAll(async () => {
  fake = await startFakeE2B();
  backend = await openAgainst(fake);
});
afterAll(async () => {
  await fake.close();
});

describe('native snapshots', () => {
  it('round-trips files, modes, symlinks and sandbox env into a new sandbox, then deletes', async () => {
    const source = await backend.create(spec({ env: { FROM_SPEC: 'kept' } }));
    await source.writeFile('app/state.json', Buffer.from('{"step":1}'));
    await source.writeFile('app/run.sh', Buffer.from('#!/bin/sh\necho "run $FROM_SPEC"\n'), { mode: 0o750 });
    await source.exec(['ln', '-s', 'state.json', 'app/link']);
    const snapshot = await source.snapshot!('before step 2');
    expect(snapshot).toMatchObject({
      backend: 'e2b',
      metadata: { name: 'before step 2', sandboxId: source.ref.id },
    });
    expect(snapshot.metadata.e2bName).toMatch(/^ak-before-step-2-[0-9a-f]{8}$/);
    await source.writeFile('app/state.json', Buffer.from('{"step":2}'));

    const restored = await backend.create(spec({ fromSnapshot: snapshot }));
    expect((await restored.readFile('app/state.json')).toString()).toBe('{"step":1}');
    const check = await restored.exec(['sh', '-c', 'stat -c %a app/run.sh; readlink app/link; ./app/run.sh']);
    expect(check.stdout.toString()).toBe('750\nstate.json\nrun kept\n');
    expect(await source.status()).toBe('running');

    await backend.deleteSnapshot!(snapshot);
    expect(fake.snapshots()).not.toContain(snapshot.id);
    const error: unknown = await backend
      .create(spec({ fromSnapshot: snapshot }))
      .catch((caught: unknown) => caught);
    expect(AgentkernelError.isInstance(error) && error.exitCode).toBe(5);
    await backend.deleteSnapshot!(snapshot);
    await source.destroy();
    await restored.destroy();
  });

  it('finds the snapshot a lost response made rather than taking a second one', async () => {
    const source = await backend.create(spec());
    const before = fake.snapshots().length;
    fake.injectFault({ kind: 'drop-response', match: `POST /sandboxes/${source.ref.id}/snapshots` });
    const snapshot = await source.snapshot!('lost answer');
    expect(fake.snapshots().length - before).toBe(1);
    expect(fake.snapshots()).toContain(snapshot.id);
    await backend.deleteSnapshot!(snapshot);
    await source.destroy();
  });

  it('refuses to restore another backend snapshot', async () => {
    const error: unknown = await backend
      .create(spec({ fromSnapshot: { backend: 'local', id: 'x', metadata: {} } }))
      .catch((caught: unknown) => caught);
    expect(String(error)).toContain('is a local snapshot, not an E2B one');
  });
});
