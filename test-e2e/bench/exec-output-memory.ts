// Peak RSS of `agentkernel exec` piping 1 GB of output (DESIGN.md section 11: the CLI stays under
// 200 MB), beside the same CLI running `true`: into a fast reader (`| wc -c`), and into one that starts
// reading 2 s late (`| (sleep 2; wc -c)`), which makes the CLI wait on a full pipe. Every byte must
// arrive: the count is checked.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run.js';
import { CLI_BIN, loadNote, requireBuiltCli } from './cli-lib.js';
import { runIfMain } from './lib/sync-bench.js';

const PRELOAD = fileURLToPath(new URL('./lib/report-max-rss.mjs', import.meta.url));
const BYTES = 1024 ** 3;
const BUDGET_MB = 200;

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

interface Measured {
  readonly rssMb: number;
  readonly ms: number;
  readonly received: number;
}

/** Runs `agentkernel exec ... -- <command> | <reader>` in a shell and reads the CLI's peak RSS. */
function measure(home: string, command: readonly string[], reader: string): Measured {
  const rssFile = join(home, `rss-${Date.now()}`);
  const cli = [
    process.execPath,
    '--import',
    PRELOAD,
    CLI_BIN,
    'exec',
    'bench',
    '--no-sync',
    '--',
    ...command,
  ];
  const started = performance.now();
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', `${cli.map(quote).join(' ')} | ${reader}`], {
    env: { ...process.env, AGENTKERNEL_HOME: home, AGENTKERNEL_BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(
      `agentkernel exec ${command.join(' ')} | ${reader} failed (${result.status}): ${result.stderr}`,
    );
  return {
    rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024,
    ms,
    received: Number(result.stdout.trim()),
  };
}

export default async function execOutputMemory(): Promise<BenchResult> {
  requireBuiltCli();
  const home = mkdtempSync(join(tmpdir(), 'agentkernel-bench-output-'));
  try {
    const created = spawnSync(process.execPath, [CLI_BIN, 'sandbox', 'create', 'bench', '--no-mount-cwd'], {
      cwd: home,
      env: { ...process.env, AGENTKERNEL_HOME: home },
      encoding: 'utf8',
    });
    if (created.status !== 0) throw new Error(`sandbox create failed: ${created.stderr}`);
    const produce = ['head', '-c', String(BYTES), '/dev/zero'];
    const idle = measure(home, ['true'], 'wc -c');
    const fast = measure(home, produce, 'wc -c');
    const late = measure(home, produce, '(sleep 2; wc -c)');
    for (const [name, run] of [
      ['fast', fast],
      ['late', late],
    ] as const)
      if (run.received !== BYTES) throw new Error(`the ${name} reader got ${run.received} of ${BYTES} bytes`);
    const baseline = { name: 'agentkernel exec -- true', value: idle.rssMb };
    const figure = (name: string, run: Measured) => ({
      name: `${name}: CLI peak RSS`,
      value: run.rssMb,
      unit: 'MiB',
      baseline,
      budget: { description: `under ${BUDGET_MB} MB`, met: run.rssMb < BUDGET_MB },
    });
    return {
      name: 'exec-output-memory',
      description: '1 GiB of stdout from `head -c 1G /dev/zero` in a local sandbox, through a pipe',
      figures: [
        figure('| wc -c', fast),
        { name: '| wc -c: throughput', value: BYTES / 1024 ** 2 / (fast.ms / 1000), unit: 'MiB/s' },
        figure('| (sleep 2; wc -c)', late),
      ],
      notes: [
        loadNote(),
        'peak RSS is process.resourceUsage().maxRSS of the CLI process, written at its exit',
      ],
    };
  } finally {
    spawnSync(process.execPath, [CLI_BIN, 'sandbox', 'remove', 'bench', '--force'], {
      env: { ...process.env, AGENTKERNEL_HOME: home },
    });
    rmSync(home, { recursive: true, force: true });
  }
}

await runIfMain(import.meta.url, execOutputMemory);
