// Snapshot take and restore of the 100 MB workspace against `tar -czf` on the same tree, in the same
// run (DESIGN.md section 11: at least 0.8x the throughput of tar -czf). Rounds are interleaved so a
// burst of load on a shared machine hits every contender alike; medians are reported.
import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LocalSnapshotStore,
  pushWorkspace,
  restoreWorkspace,
  takeSnapshot,
  type SandboxHandle,
} from '@agentkernel/core';
import { median, loadNote } from './cli-lib.js';
import type { BenchResult } from './run.js';
import { generateWorkspace, localSandbox, MB, runIfMain, timed } from './lib/sync-bench.js';

const ROUNDS = 3;

export default async function snapshotThroughput(): Promise<BenchResult> {
  const sandbox = await localSandbox('bench-snap');
  const targets: SandboxHandle[] = [];
  try {
    const localDir = join(sandbox.home, 'project');
    await mkdir(localDir);
    const { bytes } = await generateWorkspace(localDir);
    await pushWorkspace({
      handle: sandbox.handle,
      localDir,
      workspaceDir: '/workspace',
      manifestFile: join(sandbox.home, 'sync.json'),
    });
    const store = new LocalSnapshotStore(join(sandbox.home, 'snapshots'));
    const source = {
      backend: 'local',
      sandbox: 'bench-snap',
      remoteId: sandbox.handle.ref.id,
      resources: { vcpus: 1, memoryMb: 512 },
      ports: [],
    };

    const samples = {
      tarCreate: [] as number[],
      tarExtract: [] as number[],
      take: [] as number[],
      restore: [] as number[],
    };
    let archiveBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const baseline = join(sandbox.home, `baseline-${round}.tar.gz`);
      samples.tarCreate.push(
        (await timed(async () => execFileSync('tar', ['-czf', baseline, '-C', localDir, '.']))).ms,
      );
      const unpacked = join(sandbox.home, `unpacked-${round}`);
      await mkdir(unpacked);
      samples.tarExtract.push(
        (await timed(async () => execFileSync('tar', ['-xzf', baseline, '-C', unpacked]))).ms,
      );
      await rm(unpacked, { recursive: true });
      await rm(baseline);

      const name = `round-${round}`;
      const take = await timed(() =>
        takeSnapshot({ handle: sandbox.handle, store, name, source, workspaceDir: '/workspace' }),
      );
      samples.take.push(take.ms);
      archiveBytes = take.result.workspace.archiveBytes;
      const target = await sandbox.backend.create({
        name: `bench-restore-${round}`,
        network: false,
        ports: [],
        env: {},
        workspaceDir: '/workspace',
        labels: {},
      });
      targets.push(target);
      samples.restore.push(
        (
          await timed(() =>
            restoreWorkspace({ manifest: take.result, store, handle: target, workspaceDir: '/workspace' }),
          )
        ).ms,
      );
      await store.delete(name);
    }
    const tarCreate = median(samples.tarCreate);
    const throughput = (ms: number) => bytes / MB / (ms / 1000);
    const figure = (name: string, ms: number) => ({
      name: `${name} throughput`,
      value: throughput(ms),
      unit: 'MB/s',
      baseline: { name: 'tar -czf', value: throughput(tarCreate) },
      budget: {
        description: `at least 0.8x tar -czf (${(0.8 * throughput(tarCreate)).toFixed(1)} MB/s)`,
        met: throughput(ms) >= 0.8 * throughput(tarCreate),
      },
    });
    return {
      name: 'snapshot-throughput',
      description: `take and restore of ${(bytes / MB).toFixed(1)} MB in 5,000 files (half text, half incompressible), local backend, median of ${ROUNDS}`,
      figures: [
        { name: 'tar -czf', value: tarCreate, unit: 'ms' },
        {
          name: 'take',
          value: median(samples.take),
          unit: 'ms',
          baseline: { name: 'tar -czf', value: tarCreate },
        },
        figure('take', median(samples.take)),
        {
          name: 'restore',
          value: median(samples.restore),
          unit: 'ms',
          baseline: { name: 'tar -czf', value: tarCreate },
        },
        figure('restore', median(samples.restore)),
        { name: 'tar -xzf (for reference)', value: median(samples.tarExtract), unit: 'ms' },
        { name: 'archive size', value: archiveBytes / MB, unit: 'MB' },
      ],
      notes: [
        loadNote(),
        `samples (ms): ${JSON.stringify(samples, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`,
      ],
    };
  } finally {
    for (const target of targets) await target.destroy().catch(() => undefined);
    await sandbox.cleanup();
  }
}

await runIfMain(import.meta.url, snapshotThroughput);
