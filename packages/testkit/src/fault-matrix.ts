import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AgentkernelError,
  pullWorkspace,
  pushWorkspace,
  type Backend,
  type SandboxHandle,
  type SandboxSpec,
} from '@agentkernel/core';

/** Options of {@link testFaultMatrix}. */
export interface FaultMatrixOptions {
  /** Names the suite: `runloop (offline fake)`. */
  readonly name: string;
  /** Opens the backend against a provider fake that is injecting random faults (e.g. 20% of requests). */
  readonly open: () => Promise<Backend>;
  /** Stops the fake's faults, before the final clean-up and check. */
  readonly stopFaults: () => void;
  /** The provider ids of the sandboxes the fake still runs (not destroyed), asked of the fake itself. */
  readonly liveSandboxes: () => readonly string[] | Promise<readonly string[]>;
  /** How many requests the fake received and how many got a fault, for the report. */
  readonly faultCounts: () => { readonly faulted: number; readonly total: number };
  /** Scenarios to run; 20 by default. */
  readonly scenarios?: number;
  /** How many run at a time; 5 by default. */
  readonly parallel?: number;
  /** Overrides of the specs the scenarios create sandboxes with. */
  readonly spec?: Partial<SandboxSpec>;
  /** The whole suite's timeout; 240 s by default. */
  readonly timeoutMs?: number;
}

/**
 * The fault matrix of DESIGN.md section 10: whole scenarios (create, push, exec, delta push, pull,
 * native snapshot and a restore from it when the backend has them, remove) against a fake injecting
 * random faults. Every scenario completes or fails with a clear agentkernel error, and once the faults
 * stop, destroying every sandbox the scenarios got leaves none at the provider: a create that failed
 * never left one behind.
 */
export function testFaultMatrix(options: FaultMatrixOptions): void {
  const count = options.scenarios ?? 20;
  const parallel = options.parallel ?? 5;
  const handles: SandboxHandle[] = [];

  async function scenario(backend: Backend, index: number): Promise<'completed'> {
    const local = await mkdtemp(join(tmpdir(), `ak-fault-matrix-${index}-`));
    const spec = (extra: Partial<SandboxSpec> = {}): SandboxSpec => ({
      name: `fm-${process.pid}-${index}-${handles.length}`,
      network: true,
      ports: [],
      env: {},
      workspaceDir: '/workspace',
      labels: { 'agentkernel-fault-matrix': String(index) },
      ...options.spec,
      ...extra,
    });
    try {
      const project = join(local, 'project');
      await mkdir(project);
      await writeFile(join(project, 'notes.txt'), `scenario ${index}\n`);
      const sync = {
        localDir: project,
        workspaceDir: '/workspace',
        manifestFile: join(local, 'manifest.json'),
      };
      const handle = await backend.create(spec());
      handles.push(handle);
      await pushWorkspace({ ...sync, handle });
      expect((await handle.exec(['cat', 'notes.txt'])).stdout.toString()).toBe(`scenario ${index}\n`);
      await writeFile(join(project, 'notes.txt'), `scenario ${index}, edited\n`);
      await pushWorkspace({ ...sync, handle });
      expect((await handle.exec(['sh', '-c', 'cat notes.txt; echo made > made.txt; exit 4'])).exitCode).toBe(
        4,
      );
      await pullWorkspace({ ...sync, handle });
      expect(await readFile(join(project, 'made.txt'), 'utf8')).toBe('made\n');
      if (backend.plugin.capabilities.nativeSnapshots && handle.snapshot !== undefined) {
        const snapshot = await handle.snapshot(`fm-${index}`);
        const restored = await backend.create(spec({ fromSnapshot: snapshot }));
        handles.push(restored);
        expect((await restored.readFile('notes.txt')).toString()).toBe(`scenario ${index}, edited\n`);
        await restored.destroy();
        await backend.deleteSnapshot?.(snapshot);
      }
      await handle.destroy();
      return 'completed';
    } finally {
      await rm(local, { recursive: true, force: true });
    }
  }

  describe(`fault matrix: ${options.name}`, () => {
    it(
      `${count} scenarios complete or fail with a clear error, and leave no sandbox behind`,
      async () => {
        const backend = await options.open();
        const outcomes: string[] = [];
        for (let start = 0; start < count; start += parallel) {
          const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, i) =>
            scenario(backend, start + i).catch((error: unknown) => {
              expect(AgentkernelError.isInstance(error), `scenario ${start + i}: ${String(error)}`).toBe(
                true,
              );
              expect((error as Error).message).toMatch(/^\[agentkernel\] (\[[a-z0-9-]+\] )?\S/);
              return `failed: ${(error as Error).message}`;
            }),
          );
          outcomes.push(...(await Promise.all(batch)));
        }
        const { faulted, total } = options.faultCounts();
        const completed = outcomes.filter((outcome) => outcome === 'completed').length;
        console.info(
          `[testkit fault matrix] ${options.name}: ${completed}/${count} completed, ${faulted} of ${total} requests faulted`,
        );
        for (const outcome of outcomes.filter((o) => o !== 'completed')) console.info(`  ${outcome}`);
        options.stopFaults();
        for (const handle of handles) await handle.destroy();
        await backend.close?.();
        expect(await options.liveSandboxes()).toEqual([]);
        expect(faulted).toBeGreaterThan(0);
      },
      options.timeoutMs ?? 240_000,
    );
  });
}
