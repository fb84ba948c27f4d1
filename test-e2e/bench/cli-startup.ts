// Cold start of the CLI (DESIGN.md section 11: `--help` and `plugins list` median at most 1.5x
// `node -e ''`), with `node -e ''` measured in the same interleaved rounds as the floor no Node CLI can go
// under.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './run.js';
import { CLI_BIN, interleavedMedians, loadNote, REPO_ROOT, requireBuiltCli, timeOnce } from './cli-lib.js';

const RUNS = 25;
const BUDGET_RATIO = 1.5;

export default async function (): Promise<BenchResult> {
  requireBuiltCli();
  const home = mkdtempSync(join(tmpdir(), 'agentkernel-bench-startup-'));
  // Run from the repository root, where `plugins list` discovers every workspace plugin.
  const options = { cwd: REPO_ROOT, env: { ...process.env, AGENTKERNEL_HOME: home, NO_COLOR: '1' } };
  try {
    const medians = interleavedMedians(
      {
        node: () => timeOnce([process.execPath, '-e', ''], options),
        help: () => timeOnce([process.execPath, CLI_BIN, '--help'], options),
        pluginsList: () => timeOnce([process.execPath, CLI_BIN, 'plugins', 'list'], options),
        // What a shell runs on each TAB: backend names come from discovery, as `plugins list`'s do.
        completeBackend: () => timeOnce([process.execPath, CLI_BIN, '__complete', '-B', ''], options),
        completeSandbox: () =>
          timeOnce([process.execPath, CLI_BIN, '__complete', 'sandbox', 'info', ''], options),
      },
      RUNS,
    );
    const baseline = { name: "node -e ''", value: medians.node! };
    return {
      name: 'cli-startup',
      description: `median wall time of ${RUNS} cold starts each, interleaved`,
      figures: [
        { name: "node -e ''", value: medians.node!, unit: 'ms' },
        { name: 'agentkernel --help / node -e', value: medians.help! / medians.node!, unit: 'x' },
        {
          name: 'agentkernel plugins list / node -e',
          value: medians.pluginsList! / medians.node!,
          unit: 'x',
        },
        {
          name: 'completion after -B (__complete -B) / node -e',
          value: medians.completeBackend! / medians.node!,
          unit: 'x',
        },
        {
          name: 'completion of sandbox names (__complete sandbox info) / node -e',
          value: medians.completeSandbox! / medians.node!,
          unit: 'x',
        },
        {
          name: 'agentkernel --help',
          value: medians.help!,
          unit: 'ms',
          baseline,
          budget: {
            description: `median at most ${BUDGET_RATIO}x node -e ''`,
            met: medians.help! <= BUDGET_RATIO * medians.node!,
          },
        },
        {
          name: 'agentkernel plugins list',
          value: medians.pluginsList!,
          unit: 'ms',
          baseline,
          budget: {
            description: `median at most ${BUDGET_RATIO}x node -e ''`,
            met: medians.pluginsList! <= BUDGET_RATIO * medians.node!,
          },
        },
      ],
      notes: [
        loadNote(),
        `runs from ${REPO_ROOT}`,
        // Node reads and parses that certificate bundle before running any code, so every figure carries it.
        ...(process.env.NODE_EXTRA_CA_CERTS
          ? [
              `NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): it is part of every start, the baseline's too`,
            ]
          : []),
      ],
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
