// What `agentkernel exec` costs on top of running the command (DESIGN.md section 11: with nothing to
// sync, under 100 ms more than the backend's own exec call). Measured side by side, interleaved:
// bwrap spawned directly with the local backend's flags, the local backend's exec called in-process,
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
const BUDGET_MS = 100;
const PROJECT_FILES = 300;

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
      bwrap: [] as number[],
      backend: [] as number[],
      cliNoSync: [] as number[],
      cliSync: [] as number[],
    };
    for (let round = 0; round < RUNS + 2; round += 1) {
      const keep = round >= 2;
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
        samples.bwrap.push(bwrap);
        samples.backend.push(backend);
        samples.cliNoSync.push(cliNoSync);
        samples.cliSync.push(cliSync);
      }
    }
    const m = {
      bwrap: median(samples.bwrap),
      backend: median(samples.backend),
      cliNoSync: median(samples.cliNoSync),
      cliSync: median(samples.cliSync),
    };
    cli(home, project, ['sandbox', 'remove', 'plain']);
    cli(home, project, ['sandbox', 'remove', 'synced']);
    const backendBaseline = { name: 'local backend exec, in-process', value: m.backend };
    return {
      name: 'cli-exec-overhead',
      description: `median of ${RUNS} interleaved runs of \`true\` in one local sandbox`,
      figures: [
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
          baseline: backendBaseline,
          budget: {
            description: `under ${BUDGET_MS} ms more than the backend's exec`,
            met: m.cliNoSync - m.backend < BUDGET_MS,
          },
        },
        {
          name: `agentkernel exec -- true (mount_cwd, ${PROJECT_FILES} unchanged files)`,
          value: m.cliSync,
          unit: 'ms',
          baseline: backendBaseline,
          budget: {
            description: `nothing to sync: under ${BUDGET_MS} ms more than the backend's exec`,
            met: m.cliSync - m.backend < BUDGET_MS,
          },
        },
        {
          name: 'CLI overhead without sync (exec --no-sync minus backend exec)',
          value: m.cliNoSync - m.backend,
          unit: 'ms',
        },
        {
          name: 'CLI overhead with an unchanged workspace (exec minus backend exec)',
          value: m.cliSync - m.backend,
          unit: 'ms',
        },
        {
          name: "node -e '' (process start floor, measured once per run for reference)",
          value: timeOnce([process.execPath, '-e', '']),
          unit: 'ms',
        },
      ],
      notes: [loadNote(), 'the CLI figures include starting a Node process; the backend figure does not'],
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
}
