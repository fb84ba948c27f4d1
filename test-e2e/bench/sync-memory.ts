// Peak RSS of a push and a pull of a 1 GB workspace holding a 500 MB file, each run in a child
// process, beside a child that only loads agentkernel and reconnects to the sandbox (DESIGN.md
// section 11: peak RSS under 200 MB).
import { execFile } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { seededRandom } from '@agentkernel/fake-kit';
import { loadNote } from './cli-lib.js';
import type { BenchResult } from './run.js';
import { localSandbox, MB, runIfMain, text } from './lib/sync-bench.js';

const CHILD = fileURLToPath(new URL('./lib/sync-memory-child.ts', import.meta.url));
const BIG = 500 * MB;
const SMALL_FILES = 500;
const SMALL = 1 * MB;
const BUDGET_MB = 200;

/** Writes `size` bytes of text-like data (a 1 MB block, varied per copy) without holding them. */
async function writeLarge(path: string, size: number, seed: number): Promise<void> {
  const block = text(seededRandom(seed), MB);
  const file = await open(path, 'w');
  try {
    for (let done = 0, n = 0; done < size; done += MB, n++) {
      block.write(`${seed}:${n}\n`, 0);
      await file.write(block, 0, Math.min(MB, size - done));
    }
  } finally {
    await file.close();
  }
}

interface ChildResult {
  maxRssKb: number;
  ms: number;
  files: number;
  bytes: number;
}

async function child(action: 'push' | 'pull' | 'idle', args: string[]): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...process.execArgv, CHILD, action, ...args],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as ChildResult;
}

export default async function syncMemory(): Promise<BenchResult> {
  const sandbox = await localSandbox('bench-memory');
  try {
    const localDir = join(sandbox.home, 'project');
    await mkdir(join(localDir, 'parts'), { recursive: true });
    await writeLarge(join(localDir, 'big.bin'), BIG, 1);
    for (let i = 0; i < SMALL_FILES; i++)
      await writeLarge(join(localDir, 'parts', `part-${i}.txt`), SMALL, i + 2);
    const common = [join(sandbox.home, 'data'), JSON.stringify(sandbox.handle.ref)];

    const idle = await child('idle', [...common, localDir, join(sandbox.home, 'push.json')]);
    const push = await child('push', [...common, localDir, join(sandbox.home, 'push.json')]);
    const fresh = join(sandbox.home, 'fresh');
    await mkdir(fresh);
    const pull = await child('pull', [...common, fresh, join(sandbox.home, 'pull.json')]);
    if (push.files !== SMALL_FILES + 2 || pull.files !== SMALL_FILES + 2)
      throw new Error(`expected ${SMALL_FILES + 2} entries each way, got ${push.files} and ${pull.files}`);

    const rss = (result: ChildResult) => result.maxRssKb / 1024;
    const figure = (name: string, result: ChildResult) => ({
      name: `${name} peak RSS`,
      value: rss(result),
      unit: 'MiB',
      baseline: { name: 'agentkernel loaded, no sync', value: rss(idle) },
      budget: { description: `under ${BUDGET_MB} MB`, met: rss(result) < BUDGET_MB },
    });
    return {
      name: 'sync-memory',
      description: `1 GB workspace: one 500 MB file and ${SMALL_FILES} files of 1 MB (text-like data), local backend, each sync in its own process`,
      figures: [
        figure('full push', push),
        { name: 'full push time', value: push.ms, unit: 'ms' },
        figure('full pull', pull),
        { name: 'full pull time', value: pull.ms, unit: 'ms' },
      ],
      notes: [loadNote(), 'peak RSS read with process.resourceUsage().maxRSS in the child that ran the sync'],
    };
  } finally {
    await sandbox.cleanup();
  }
}

await runIfMain(import.meta.url, syncMemory);
