// Push and pull after a one-file edit in a 5,000-file, 100 MB workspace, against a full push and a
// full pull of the same workspace in the same run (DESIGN.md section 11: bytes under the file's size
// plus 64 KiB, time under 5% of the full transfer).
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pullWorkspace, pushWorkspace, type SyncReport } from '@agentkernel/core';
import { seededRandom } from '@agentkernel/fake-kit';
import { loadNote } from './cli-lib.js';
import type { BenchFigure, BenchResult } from './run.js';
import { generateWorkspace, localSandbox, MB, runIfMain, text, timed } from './lib/sync-bench.js';

const ROUNDS = 5;

/** The run with the median time. */
function medianRun<T>(runs: { ms: number; result: T }[]): { ms: number; result: T } {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)] as { ms: number; result: T };
}

/** The two budgets of a one-file sync (DESIGN.md section 11), against the full transfer of the same run. */
function oneFileFigures(
  direction: 'push' | 'pull',
  bytesLabel: string,
  full: { ms: number; result: SyncReport },
  one: { ms: number; result: SyncReport },
  moved: (report: SyncReport) => number,
  fileSize: number,
): BenchFigure[] {
  const byteBudget = fileSize + 64 * 1024;
  const timeBudget = full.ms * 0.05;
  return [
    {
      name: `${direction} after a one-file edit: ${bytesLabel}`,
      value: moved(one.result),
      unit: 'bytes',
      baseline: { name: `full ${direction}`, value: moved(full.result) },
      budget: {
        description: `under the file's size plus 64 KiB (${byteBudget})`,
        met: moved(one.result) < byteBudget,
      },
    },
    {
      name: `${direction} after a one-file edit: time`,
      value: one.ms,
      unit: 'ms',
      baseline: { name: `full ${direction}`, value: full.ms },
      budget: {
        description: `under 5% of the full ${direction} (${timeBudget.toFixed(1)} ms)`,
        met: one.ms < timeBudget,
      },
    },
  ];
}

export default async function syncIncremental(): Promise<BenchResult> {
  const sandbox = await localSandbox('bench-sync');
  try {
    const localDir = join(sandbox.home, 'project');
    await mkdir(localDir);
    const { textFiles, bytes } = await generateWorkspace(localDir);
    const options = {
      handle: sandbox.handle,
      localDir,
      workspaceDir: '/workspace',
      manifestFile: join(sandbox.home, 'state', 'sync.json'),
    };

    const fullPush = await timed(() => pushWorkspace(options));
    // A second no-op push warms the caches the way every later sync finds them.
    const noop = await timed(() => pushWorkspace(options));
    // One-file edits are cheap, so they are measured several times and the median is kept.
    const pushes: Awaited<ReturnType<typeof timed<SyncReport>>>[] = [];
    let editedSize = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const edited = textFiles[1000 + round] as string;
      await writeFile(join(localDir, edited), text(seededRandom(round + 7), 10_050));
      editedSize = Math.max(editedSize, (await stat(join(localDir, edited))).size);
      pushes.push(await timed(() => pushWorkspace(options)));
    }
    const onePush = medianRun(pushes);

    const freshDir = join(sandbox.home, 'fresh');
    await mkdir(freshDir);
    const fullPull = await timed(() =>
      pullWorkspace({
        ...options,
        localDir: freshDir,
        manifestFile: join(sandbox.home, 'state', 'fresh.json'),
      }),
    );
    const pulls: Awaited<ReturnType<typeof timed<SyncReport>>>[] = [];
    let remoteSize = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const remoteEdited = textFiles[4000 + round] as string;
      const edit = await sandbox.handle.exec(
        ['sh', '-c', 'printf "// edited in the sandbox\\n" >> "$1"', 'sh', remoteEdited],
        { cwd: '/workspace' },
      );
      if (edit.exitCode !== 0) throw new Error(`editing in the sandbox failed: ${edit.stderr.toString()}`);
      remoteSize = Math.max(remoteSize, (await stat(join(localDir, remoteEdited))).size + 25);
      pulls.push(await timed(() => pullWorkspace(options)));
    }
    const onePull = medianRun(pulls);

    if ([...pushes, ...pulls].some((run) => run.result.filesSent + run.result.filesReceived !== 1)) {
      throw new Error('expected exactly one file to move in each one-file sync');
    }
    return {
      name: 'sync-incremental',
      description: `5,000 files, ${(bytes / MB).toFixed(1)} MB (half text, half incompressible), local backend`,
      figures: [
        { name: 'full push', value: fullPush.ms, unit: 'ms' },
        { name: 'full push bytes sent', value: fullPush.result.bytesSent / MB, unit: 'MB' },
        {
          name: 'no-op push',
          value: noop.ms,
          unit: 'ms',
          baseline: { name: 'full push', value: fullPush.ms },
        },
        ...oneFileFigures('push', 'bytes sent', fullPush, onePush, (report) => report.bytesSent, editedSize),
        { name: 'full pull', value: fullPull.ms, unit: 'ms' },
        { name: 'full pull bytes received', value: fullPull.result.bytesReceived / MB, unit: 'MB' },
        ...oneFileFigures(
          'pull',
          'bytes received',
          fullPull,
          onePull,
          (report) => report.bytesReceived,
          remoteSize,
        ),
      ],
      notes: [
        loadNote(),
        `one-file figures are the median of ${ROUNDS} edits: push ${pushes.map((r) => Math.round(r.ms)).join(', ')} ms; pull ${pulls.map((r) => Math.round(r.ms)).join(', ')} ms`,
        'a one-file push runs two bubblewrap execs (the listing, then tar -x) and a pull two (the listing, then tar -c)',
      ],
    };
  } finally {
    await sandbox.cleanup();
  }
}

await runIfMain(import.meta.url, syncIncremental);
