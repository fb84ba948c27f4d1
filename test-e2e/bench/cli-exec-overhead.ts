// What `agentkernel exec` costs on top of running the command (DESIGN.md section 11: on a 5,000-file
// workspace with nothing to sync, at most 60 ms more than `exec --no-sync`; `exec --no-sync` at most 1.6x
// `node -e ''` plus the backend's own exec). Measured side by side, interleaved: `node -e ''`, bwrap
// spawned directly with the local backend's flags, the local backend's exec called in-process,
// `agentkernel exec --no-sync`, and `agentkernel exec` on a mount_cwd sandbox whose workspace is unchanged.
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalBackend, localPlugin } from '@agentkernel/backend-local';
import type { SandboxHandle, SandboxRef } from '@agentkernel/core';
import type { BenchResult } from './run.js';
import { CLI_BIN, loadNote, median, requireBuiltCli, timeOnce } from './cli-lib.js';

const RUNS = 20;
const SYNC_BUDGET_MS = 60;
const NO_SYNC_RATIO = 1.6;
const PROJECT_FILES = 5000;

function cli(home: string, cwd: string, args: string[]): void {
  const result = spawnSync(process.execPath, [CLI_BIN, ...args], {
    cwd,
    env: { ...process.env, AGENTKERNEL_HOME: home },
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`agentkernel ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
}

// The flags the local backend gives bwrap (see core/isolation), for the direct baseline.
function bwrapArgv(sandboxDir: string): string[] {
  const args = ['--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    const info = lstatSync(dir, { throwIfNoEntry: false });
    if (info?.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else if (info?.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  args.push(
    '--bind',
    join(sandboxDir, 'home'),
    '/home/sandbox',
    '--bind',
    join(sandboxDir, 'workspace'),
    '/workspace',
  );
  args.push(
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--die-with-parent',
    '--new-session',
    '--chdir',
    '/workspace',
    'true',
  );
  return ['bwrap', ...args];
}

async function localHandle(home: string, name: string): Promise<SandboxHandle> {
  const record = JSON.parse(readFileSync(join(home, 'sandboxes', `${name}.json`), 'utf8')) as {
    ref: SandboxRef;
  };
  const backend = createLocalBackend({ dataDir: join(home, 'plugins', 'local') }, localPlugin);
  return backend.reconnect(record.ref);
}

export default async function (): Promise<BenchResult> {
  requireBuiltCli();
  const home = mkdtempSync(join(tmpdir(), 'agentkernel-bench-exec-'));
  const project = mkdtempSync(join(tmpdir(), 'agentkernel-bench-project-'));
  try {
    writeFileSync(join(project, 'package.json'), '{ "name": "bench", "private": true }\n');
    for (let i = 0; i < PROJECT_FILES; i += 1) {
      mkdirSync(join(project, 'src', String(i % 10)), { recursive: true });
      writeFileSync(join(project, 'src', String(i % 10), `file-${i}.txt`), `content ${i}\n`.repeat(50));
    }
    cli(home, project, ['sandbox', 'create', 'plain', '--no-mount-cwd']);
    cli(home, project, ['sandbox', 'create', 'synced', '--mount-cwd']);
    const handle = await localHandle(home, 'plain');
    const sandboxDir = join(home, 'plugins', 'local', 'sandboxes', handle.ref.id);
    const direct = bwrapArgv(sandboxDir);
    const env = { ...process.env, AGENTKERNEL_HOME: home };

    const samples = {
      node: [] as number[],
      bwrap: [] as number[],
      backend: [] as number[],
      cliNoSync: [] as number[],
      cliSync: [] as number[],
    };
    for (let round = 0; round < RUNS + 2; round += 1) {
      const keep = round >= 2;
      const node = timeOnce([process.execPath, '-e', '']);
      const bwrap = timeOnce(direct);
      const started = performance.now();
      const result = await handle.exec(['true']);
      const backend = performance.now() - started;
      if (result.exitCode !== 0) throw new Error(`backend exec of true exited ${result.exitCode}`);
      const cliNoSync = timeOnce([process.execPath, CLI_BIN, 'exec', 'plain', '--no-sync', '--', 'true'], {
        cwd: project,
        env,
      });
      const cliSync = timeOnce([process.execPath, CLI_BIN, 'exec', 'synced', '--', 'true'], {
        cwd: project,
        env,
      });
      if (keep) {
        samples.node.push(node);
        samples.bwrap.push(bwrap);
        samples.backend.push(backend);
        samples.cliNoSync.push(cliNoSync);
        samples.cliSync.push(cliSync);
      }
    }
    const m = {
      node: median(samples.node),
      bwrap: median(samples.bwrap),
      backend: median(samples.backend),
      cliNoSync: median(samples.cliNoSync),
      cliSync: median(samples.cliSync),
    };
    cli(home, project, ['sandbox', 'remove', 'plain']);
    cli(home, project, ['sandbox', 'remove', 'synced']);
    const noSyncBaseline = {
      name: `${NO_SYNC_RATIO}x node -e '' + backend exec`,
      value: NO_SYNC_RATIO * m.node + m.backend,
    };
    const syncBaseline = { name: 'agentkernel exec --no-sync', value: m.cliNoSync };
    return {
      name: 'cli-exec-overhead',
      description: `median of ${RUNS} interleaved runs of \`true\` in one local sandbox`,
      figures: [
        { name: "node -e ''", value: m.node, unit: 'ms' },
        { name: 'bwrap spawned directly (same flags)', value: m.bwrap, unit: 'ms' },
        {
          name: 'local backend exec, in-process',
          value: m.backend,
          unit: 'ms',
          baseline: { name: 'bwrap directly', value: m.bwrap },
        },
        {
          name: 'agentkernel exec --no-sync -- true',
          value: m.cliNoSync,
          unit: 'ms',
          baseline: noSyncBaseline,
          budget: {
            description: `at most ${NO_SYNC_RATIO}x node -e '' plus the backend's exec`,
            met: m.cliNoSync <= noSyncBaseline.value,
          },
        },
        {
          name: `agentkernel exec -- true (mount_cwd, ${PROJECT_FILES} unchanged files)`,
          value: m.cliSync,
          unit: 'ms',
          baseline: syncBaseline,
          budget: {
            description: `nothing to sync: at most ${SYNC_BUDGET_MS} ms more than exec --no-sync`,
            met: m.cliSync - m.cliNoSync <= SYNC_BUDGET_MS,
          },
        },
        {
          name: 'synced-exec overhead (exec minus exec --no-sync)',
          value: m.cliSync - m.cliNoSync,
          unit: 'ms',
        },
        {
          name: "exec --no-sync minus backend exec, over node -e ''",
          value: (m.cliNoSync - m.backend) / m.node,
          unit: 'x',
        },
      ],
      notes: [loadNote(), 'the CLI figures include starting a Node process; the backend figure does not'],
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
}
