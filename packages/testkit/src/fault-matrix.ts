import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentkernelError,
  LocalSnapshotStore,
  pullWorkspace,
  pushWorkspace,
  restoreWorkspace,
  takeSnapshot,
  type Backend,
  type SandboxHandle,
  type SandboxSpec,
} from '@agentkernel/core';

/** Options of {@link testFaultMatrix}. */
export interface FaultMatrixOptions {
  /** Names the suite, e.g. `e2b (offline fake)`. */
  readonly name: string;
  /** Opens the backend against the provider (normally its offline fake). */
  readonly open: () => Promise<Backend>;
  /**
   * Turns the provider's random faults on, at `rate`, drawn from a generator seeded with `seed` (so a
   * scenario can be replayed), or off (`undefined`). A fake does it with its `setRandomFaults`.
   */
  readonly setFaults: (faults: { readonly rate: number; readonly seed: number } | undefined) => void;
  /** How many sandboxes the provider holds now (a fake counts its own). */
  readonly sandboxCount: () => number | Promise<number>;
  /** Whole scenarios to run; 20 by default. */
  readonly scenarios?: number;
  /** The share of requests that fail; 0.2 by default. */
  readonly rate?: number;
  /** The first scenario's seed; scenario `i` uses `seed + i`. 1 by default. */
  readonly seed?: number;
  /** Overrides of the specs sandboxes are created with. */
  readonly spec?: Partial<SandboxSpec>;
  /** Per-scenario timeout in milliseconds; 120 000 by default. */
  readonly timeoutMs?: number;
}

/** How one scenario went: every step done, or the step that failed and its (clear) error. */
type Outcome =
  | { readonly completed: true }
  | { readonly completed: false; readonly step: string; readonly error: unknown };

const CLEAR_MESSAGE = /^\[agentkernel\] (\[[a-z0-9-]+\] )?\S/;

/** A failure the user can act on: an agentkernel error, prefixed, with no stack or "undefined" in its message. */
function assertClear(error: unknown, where: string): void {
  expect(AgentkernelError.isInstance(error), `${where}: not an agentkernel error: ${String(error)}`).toBe(
    true,
  );
  const message = (error as Error).message;
  expect(message, where).toMatch(CLEAR_MESSAGE);
  expect(message, where).not.toMatch(/\bundefined\b|\[object Object\]|\n\s+at /);
}

/**
 * Registers the fault matrix for a remote backend (DESIGN.md section 10): `scenarios` whole scenarios
 * (create and push a project, exec, push an edit, pull what the sandbox made, take a portable snapshot,
 * restore it into a second sandbox, remove both), each with random faults (latency, 429, 5xx, dropped
 * connections and responses) in `rate` of the provider's requests. Every scenario must complete or
 * fail with a clear agentkernel error, and the provider must hold no sandbox afterwards, even when
 * removing under faults was hard. A summary of outcomes is printed.
 */
export function testFaultMatrix(options: FaultMatrixOptions): void {
  const scenarios = options.scenarios ?? 20;
  const rate = options.rate ?? 0.2;
  const seed = options.seed ?? 1;
  const outcomes: Outcome[] = [];
  let backend: Backend;
  let home: string;
  let baseline = 0;

  describe(`fault matrix: ${options.name}, ${scenarios} scenarios at ${Math.round(rate * 100)}% faults`, () => {
    beforeAll(async () => {
      options.setFaults(undefined);
      backend = await options.open();
      home = await mkdtemp(join(tmpdir(), 'ak-fault-matrix-'));
      baseline = await options.sandboxCount();
    });
    afterAll(async () => {
      options.setFaults(undefined);
      const failed = outcomes.filter((outcome) => !outcome.completed);
      const byStep = failed.map((outcome) => {
        const error = (outcome as { error: unknown }).error;
        return `${(outcome as { step: string }).step} (${AgentkernelError.isInstance(error) ? error.code : 'not typed'})`;
      });
      console.log(
        `[fault-matrix] ${options.name}: ${outcomes.length - failed.length} of ${outcomes.length} scenarios completed; ` +
          `failed clearly at: ${byStep.join(', ') || 'none'}`,
      );
      for (const outcome of failed) console.log(`  ${String((outcome as { error: unknown }).error)}`);
      await rm(home, { recursive: true, force: true });
    });

    for (let index = 0; index < scenarios; index += 1) {
      it(
        `scenario ${index + 1} (seed ${seed + index}) completes or fails clearly, and leaves no sandbox`,
        async () => {
          const outcome = await runScenario(index);
          outcomes.push(outcome);
          if (!outcome.completed) assertClear(outcome.error, `scenario ${index + 1}, ${outcome.step}`);
          expect(await options.sandboxCount(), 'sandboxes left at the provider').toBe(baseline);
        },
        options.timeoutMs ?? 120_000,
      );
    }
  });

  async function runScenario(index: number): Promise<Outcome> {
    const dir = join(home, `scenario-${index + 1}`);
    const project = join(dir, 'project');
    const manifestFile = join(dir, 'sync.json');
    await mkdir(join(project, 'src'), { recursive: true });
    await writeFile(join(project, 'a.txt'), 'alpha\n');
    await writeFile(join(project, 'src', 'b.bin'), Buffer.from([0, 1, 2, 255]));
    const store = new LocalSnapshotStore(join(dir, 'snapshots'));
    const name = `fm-${seed + index}-${process.pid}`;
    const spec = (suffix: string): SandboxSpec => ({
      name: `${name}${suffix}`,
      network: false,
      ports: [],
      env: {},
      workspaceDir: '/workspace',
      labels: { 'agentkernel-test': 'fault-matrix' },
      ...options.spec,
    });
    const handles: SandboxHandle[] = [];
    let step = 'create';
    options.setFaults({ rate, seed: seed + index });
    try {
      const handle = await backend.create(spec(''));
      handles.push(handle);
      const sync = {
        handle,
        localDir: project,
        workspaceDir: handle.ref.metadata.workspaceDir ?? '/workspace',
        manifestFile,
      };
      step = 'push (create with sync)';
      await pushWorkspace(sync);
      step = 'exec';
      const result = await handle.exec(['sh', '-c', 'cat a.txt && echo made > made.txt']);
      expect(result.exitCode, result.stderr.toString()).toBe(0);
      expect(result.stdout.toString()).toBe('alpha\n');
      step = 'push';
      await writeFile(join(project, 'a.txt'), 'alpha edited\n');
      await pushWorkspace(sync);
      step = 'pull';
      await pullWorkspace(sync);
      expect(await readFile(join(project, 'made.txt'), 'utf8')).toBe('made\n');
      step = 'snapshot';
      const manifest = await takeSnapshot({
        handle,
        store,
        name,
        workspaceDir: sync.workspaceDir,
        source: {
          backend: handle.ref.backend,
          sandbox: name,
          remoteId: handle.ref.id,
          resources: { vcpus: 1, memoryMb: 512 },
          ports: [],
        },
      });
      step = 'restore';
      const restored = await backend.create(spec('-restored'));
      handles.push(restored);
      await restoreWorkspace({ manifest, store, handle: restored, workspaceDir: sync.workspaceDir });
      expect((await restored.readFile('a.txt')).toString()).toBe('alpha edited\n');
      step = 'remove';
      for (const made of handles.splice(0)) await made.destroy();
      return { completed: true };
    } catch (error) {
      // An assertion failing means a step returned wrong data under faults: never acceptable.
      if (!AgentkernelError.isInstance(error) && (error as Error).name === 'AssertionError') throw error;
      return { completed: false, step, error };
    } finally {
      await removeAll(handles);
    }
  }

  /**
   * Removes what a scenario left, still under faults, as a user would: `destroy` again after a failure
   * (which must be clear), three times at most.
   */
  async function removeAll(handles: SandboxHandle[]): Promise<void> {
    try {
      for (const handle of handles) {
        for (let attempt = 1; ; attempt += 1) {
          const error = await handle.destroy().then(
            () => undefined,
            (caught: unknown) => (caught instanceof Error ? caught : new Error(String(caught))),
          );
          if (error === undefined) break;
          assertClear(error, `removing ${handle.ref.id}`);
          if (attempt === 3) throw error;
        }
      }
    } finally {
      options.setFaults(undefined);
    }
  }
}
