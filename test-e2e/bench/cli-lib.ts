// Helpers shared by the CLI benchmarks: timing a process many times and reading medians.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export const CLI_BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function requireBuiltCli(): void {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run pnpm build first`);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Wall-clock milliseconds of one run of `argv`, which must succeed. */
export function timeOnce(argv: readonly string[], options: SpawnSyncOptions = {}): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${argv.join(' ')} exited with ${result.status}: ${result.stderr?.toString() ?? ''}`);
  }
  return elapsed;
}

/**
 * Medians of several commands measured in interleaved rounds (a, b, c, a, b, c...), so that a burst of
 * load on a shared machine hits every command alike instead of skewing one of them.
 */
export function interleavedMedians(
  commands: Record<string, () => number>,
  runs: number,
  warmup = 2,
): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(commands).map((name) => [name, []]),
  );
  for (let round = 0; round < runs + warmup; round += 1) {
    for (const [name, run] of Object.entries(commands)) {
      const elapsed = run();
      if (round >= warmup) samples[name]!.push(elapsed);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

export function loadNote(): string {
  return `load average ${loadavg()[0]?.toFixed(2)} on ${cpus().length} CPUs`;
}
