import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeTraffic, faultControls, openFakeHome, summaryOf } from '../src/index.js';

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

describe('openFakeHome', () => {
  it('makes a temporary data folder with a procs folder, closes the parts in order, then removes it', async () => {
    const home = await openFakeHome('acme');
    expect(home.dataDir).toContain('agentkernel-fake-acme-');
    expect(home.procDir).toBe(join(home.dataDir, 'procs'));
    expect(await exists(home.procDir)).toBe(true);
    const closed: string[] = [];
    const part = (name: string) => ({ close: async () => void closed.push(name) });
    await home.close(part('listener'), part('state'));
    expect(closed).toEqual(['listener', 'state']);
    expect(await exists(home.dataDir)).toBe(false);
  });

  it('keeps a data folder it was given', async () => {
    const given = await mkdtemp(join(tmpdir(), 'fake-kit-home-'));
    try {
      const home = await openFakeHome('acme', given);
      expect(home.dataDir).toBe(given);
      await home.close();
      expect(await exists(join(given, 'procs'))).toBe(true);
    } finally {
      await rm(given, { recursive: true, force: true });
    }
  });
});

describe('fakeTraffic and faultControls', () => {
  it("arms the options' faults, and the controls steer the same injector", () => {
    const traffic = fakeTraffic({ faults: [{ kind: 'drop', match: 'GET /a' }], latencyMs: 5 });
    expect([traffic.latencyMs, traffic.log]).toEqual([5, []]);
    expect(traffic.faults.take('GET', '/a')?.kind).toBe('drop');
    const controls = faultControls(traffic.faults);
    controls.injectFault({ kind: 'status', status: 429, match: 'GET /b' });
    expect(traffic.faults.take('GET', '/b')?.status).toBe(429);
    controls.setRandomFaults({ rate: 1, kinds: ['500'] });
    expect(traffic.faults.take('GET', '/c')?.status).toBe(500);
    controls.clearFaults();
    expect(traffic.faults.take('GET', '/c')).toBeUndefined();
    expect(fakeTraffic({}).latencyMs).toBe(0);
  });
});

describe('summaryOf', () => {
  it('copies the named keys, plain objects too, and leaves out the ones the record lacks', () => {
    const endAt = new Date(0);
    const record: { id: string; labels: Record<string, string>; endAt: Date; ttl?: number; secret: string } =
      {
        id: 'a',
        labels: { k: 'v' },
        endAt,
        secret: 's',
      };
    const summary = summaryOf(record, ['id', 'labels', 'endAt', 'ttl']);
    expect(summary).toStrictEqual({ id: 'a', labels: { k: 'v' }, endAt });
    summary.labels.k = 'changed';
    expect(record.labels.k).toBe('v');
    expect(summary.endAt).toBe(endAt);
  });
});
