import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NOT_APPLIED_KEY, notAppliedSettings, type SandboxHandle } from '@agentkernel/core';
import { cgroupSupport, type EnvironmentRecord } from '@agentkernel/core/isolation';
import { openLocal, spec, tempDataDir } from './helpers.js';

const { dataDir, cleanup } = tempDataDir();
const created: SandboxHandle[] = [];
afterAll(async () => {
  for (const handle of created) await handle.destroy().catch(() => undefined);
  await cleanup();
});

const support = await cgroupSupport();

describe('what a local sandbox cannot honour', () => {
  it('is said once at create and recorded as not applied, never shown as applied', async () => {
    const { backend, infos } = await openLocal(dataDir);
    const handle = await backend.create(
      spec({ name: 'honest', image: 'python:3.12', vcpus: 2, memoryMb: 512, idleTimeoutMs: 60_000 }),
    );
    created.push(handle);
    const enforced = 'base' in support;
    const expected = ['image', 'idleTimeoutMs', ...(enforced ? [] : ['vcpus', 'memoryMb'])];
    expect(notAppliedSettings(handle.ref)).toEqual(expected);
    expect(infos[0]).toBe(
      'local sandboxes run this machine\'s own system: image "python:3.12" is not applied',
    );
    expect(infos[1]).toBe('local sandboxes have no idle timeout: it is not applied');
    if (!enforced) {
      expect(infos[2]).toBe(`vCPUs and memory of local sandboxes are not enforced here: ${support.reason}`);
    }
    expect(infos).toHaveLength(enforced ? 2 : 3);
    await handle.exec(['true']);
    expect(infos).toHaveLength(enforced ? 2 : 3);
    // Another process sees the same, from the listing.
    const listed = (await backend.list!()).find((summary) => summary.ref.id === handle.ref.id);
    expect(listed?.ref.metadata[NOT_APPLIED_KEY]).toBe(expected.join(','));
  });

  it('leaves the key out when everything asked for applies', async () => {
    const { backend, infos } = await openLocal(dataDir);
    const handle = await backend.create(spec());
    created.push(handle);
    expect(handle.ref.metadata).not.toHaveProperty(NOT_APPLIED_KEY);
    expect(infos).toEqual([]);
  });
});

describe('vCPUs and memory through cgroup v2', () => {
  it('are enforced where cgroup v2 is writable', async (context) => {
    if ('reason' in support) {
      console.info(`[local] skipped cgroup enforcement: ${support.reason}`);
      context.skip(support.reason);
      return;
    }
    const { backend } = await openLocal(dataDir);
    const handle = await backend.create(spec({ name: 'limited', vcpus: 0.5, memoryMb: 64 }));
    created.push(handle);
    expect(notAppliedSettings(handle.ref)).toEqual([]);
    await handle.exec(['true']);
    const environment = JSON.parse(
      readFileSync(join(handle.ref.metadata.dir!, 'environment.json'), 'utf8'),
    ) as EnvironmentRecord;
    expect(readFileSync(join(environment.cgroup!, 'cpu.max'), 'utf8').trim()).toBe('50000 100000');
    expect(readFileSync(join(environment.cgroup!, 'memory.max'), 'utf8').trim()).toBe(
      String(64 * 1024 * 1024),
    );
    // Every command joins the group, and one that takes more memory than allowed is killed.
    const group = environment.cgroup!.slice('/sys/fs/cgroup'.length);
    expect((await handle.exec(['cat', '/proc/self/cgroup'])).stdout.toString()).toContain(group);
    const hog = await handle.exec(['python3', '-c', 'b = bytearray(200 * 1024 * 1024); print(len(b))']);
    expect(hog.exitCode).toBe(137);
  });
});
