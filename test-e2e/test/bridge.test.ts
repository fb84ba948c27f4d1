// `agentkernel-bridge` as agentkernel's Rust CLI uses it: the driver spawns one process per operation
// in agentkernel's order (create, push, exec, pull, stop with a final pull, resume, snapshot, restore,
// destroy) and merges every response as agentkernel does, against `local` and each provider's offline
// fake (its serve.js, run as its own process). Every output of every process is checked for the key.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelDriver, BridgeFailure, type BridgeRun } from '../src/bridge-driver.js';
import {
  daytonaSandboxNames,
  e2bSandboxNames,
  modalSandboxNames,
  runloopSandboxNames,
  type FakeEnv,
} from './fake-sandboxes.js';
import { REPO_ROOT, startServe, stopServe, tempDir } from './helpers.js';

interface Provider {
  readonly backend: string;
  /** The fake's printed environment, renamed the way agentkernel (or its aliases) would pass it. */
  readonly bridgeEnv: (fake: FakeEnv) => Record<string, string>;
  /** The secret of the fake's environment that must appear nowhere. */
  readonly secret: (fake: FakeEnv) => string;
  readonly sandboxNames: (fake: FakeEnv) => Promise<string[]>;
}

const PROVIDERS: readonly Provider[] = [
  {
    backend: 'e2b',
    // The key under the lowercase alias agentkernel's bridge accepts.
    bridgeEnv: ({ E2B_API_KEY, ...rest }) => ({ ...rest, e2b_api_key: E2B_API_KEY ?? '' }),
    secret: (fake) => fake.E2B_API_KEY ?? '',
    sandboxNames: e2bSandboxNames,
  },
  {
    backend: 'daytona',
    bridgeEnv: (fake) => ({ ...fake }),
    secret: (fake) => fake.DAYTONA_API_KEY ?? '',
    sandboxNames: daytonaSandboxNames,
  },
  {
    backend: 'runloop',
    bridgeEnv: (fake) => ({ ...fake }),
    secret: (fake) => fake.RUNLOOP_API_KEY ?? '',
    sandboxNames: runloopSandboxNames,
  },
  {
    backend: 'modal',
    // agentkernel maps `base_url` to MODAL_ENDPOINT.
    bridgeEnv: ({ MODAL_SERVER_URL, ...rest }) => ({ ...rest, MODAL_ENDPOINT: MODAL_SERVER_URL ?? '' }),
    secret: (fake) => fake.MODAL_TOKEN_SECRET ?? '',
    sandboxNames: modalSandboxNames,
  },
];

const PROVIDER_KEYS = [
  'E2B_API_KEY',
  'DAYTONA_API_KEY',
  'MODAL_TOKEN_ID',
  'MODAL_TOKEN_SECRET',
  'RUNLOOP_API_KEY',
  'AGENTKERNEL_REMOTE_BRIDGE',
];

function cleanEnv(home: string, extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', AGENTKERNEL_HOME: home };
  for (const key of PROVIDER_KEYS) delete env[key];
  return { ...env, ...extra };
}

/** The `sync_push` line the bridge prints on stderr: `moved 1 file(s), 312 B sent ...`. */
function pushNote(run: BridgeRun | undefined): string {
  const line = run?.stderr.split('\n').find((text) => text.includes('agentkernel-bridge: sync_push'));
  if (line === undefined) throw new Error(`no sync_push note on stderr:\n${run?.stderr}`);
  return line;
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  return out;
}

const SCENARIOS = [
  { backend: 'local' } as const,
  ...PROVIDERS.map((provider) => ({ backend: provider.backend })),
];

describe.each(SCENARIOS)('agentkernel-bridge $backend, driven as agentkernel drives it', ({ backend }) => {
  const provider = PROVIDERS.find((candidate) => candidate.backend === backend);
  let serve: { child: ChildProcess; env: FakeEnv } | undefined;
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  const log: BridgeRun[] = [];
  let sandbox: AgentkernelDriver;
  let restored: AgentkernelDriver | undefined;
  let handle = '';
  let secret = '';

  beforeAll(async () => {
    home = await tempDir(`bridge-${backend}-home`);
    project = await tempDir(`bridge-${backend}-project`);
    let env: Record<string, string> = {};
    if (provider) {
      serve = await startServe<FakeEnv>(join(REPO_ROOT, 'plugins', backend, 'dist', 'testing', 'serve.js'));
      env = provider.bridgeEnv(serve.env);
      secret = provider.secret(serve.env);
      const plugin = join(REPO_ROOT, 'plugins', backend);
      await writeFile(
        join(project.path, 'agentkernel.toml'),
        `[plugins]\npaths = [${JSON.stringify(plugin)}]\n`,
      );
    }
    await writeFile(join(project.path, 'notes.txt'), 'from the project\n');
    // agentkernel runs the bridge in the project folder, with the parent environment plus the provider's.
    sandbox = new AgentkernelDriver({
      provider: backend,
      name: 'bt',
      localWorkspace: project.path,
      cwd: project.path,
      env: cleanEnv(home.path, env),
      log,
    });
  }, 60_000);

  afterAll(async () => {
    try {
      for (const driver of [sandbox, restored])
        if (driver?.remoteId !== undefined) await driver.remove().catch(() => undefined);
    } finally {
      if (serve !== undefined) await stopServe(serve.child);
      await home.cleanup();
      await project.cleanup();
    }
  }, 120_000);

  it('start: create answers with a remote_id, metadata and running, then the project is pushed', async () => {
    const response = await sandbox.start();
    expect(response.success).toBe(true);
    expect(response.remote_id).toMatch(/\S/);
    expect(response.running).toBe(true);
    expect(sandbox.remoteMetadata).toMatchObject({
      last_known_status: 'running',
      [`${backend}_id`]: response.remote_id,
    });
    expect(sandbox.workspaceRevision).toMatch(/^[0-9a-f]{64}$/);
    expect(log.map((run) => run.operation)).toEqual(['create', 'sync_push']);
    if (provider) expect(await provider.sandboxNames(serve!.env)).toEqual(['bt']);
  });

  it("exec of sh -c 'echo hi; exit 3' returns exit_code 3 and hi, and a file made inside comes back", async () => {
    const result = await sandbox.exec(['sh', '-c', 'echo hi; echo oops >&2; echo made > inside.txt; exit 3']);
    expect(result).toEqual({ exit_code: 3, stdout: 'hi\n', stderr: 'oops\n' });
    expect(readFileSync(join(project.path, 'inside.txt'), 'utf8')).toBe('made\n');
    expect(log.slice(-3).map((run) => run.operation)).toEqual(['sync_push', 'exec', 'sync_pull']);
  });

  it('exec passes env and workdir, and keeps UTF-8 output byte for byte', async () => {
    const result = await sandbox.exec(['sh', '-c', 'pwd; printf "%s" "$GREETING"'], {
      env: { GREETING: 'grüße ✓' },
      workdir: '/tmp',
    });
    expect(result).toMatchObject({ exit_code: 0, stdout: '/tmp\ngrüße ✓' });
  });

  it('sync_push after a one-file edit sends only that file', async () => {
    const big = randomBytes(200_000);
    await writeFile(join(project.path, 'big.bin'), big);
    await sandbox.exec(['true']);
    await writeFile(join(project.path, 'notes.txt'), 'edited locally\n');
    const result = await sandbox.exec(['cat', 'notes.txt']);
    expect(result.stdout).toBe('edited locally\n');
    const note = pushNote(log.filter((run) => run.operation === 'sync_push').at(-1));
    expect(note).toMatch(/moved 1 file\(s\), \d+ B sent/);
    console.log(`[bridge ${backend}] ${note}`);
  });

  it("refuses a push over a sandbox changed since the last sync, with agentkernel's message", async () => {
    // A write_file changes /workspace without a pull, as a second client would.
    await sandbox.writeFile('/workspace/notes.txt', Buffer.from('changed in the sandbox\n'));
    await expect(sandbox.syncPush()).rejects.toThrow(
      /workspace sync conflict: remote workspace changed since last sync.*notes\.txt/,
    );
    await sandbox.syncPull();
    expect(readFileSync(join(project.path, 'notes.txt'), 'utf8')).toBe('changed in the sandbox\n');
    await sandbox.syncPush();
  });

  it("refuses a pull over a project folder changed since the last sync, with agentkernel's message", async () => {
    await writeFile(join(project.path, 'local-only.txt'), 'not pushed\n');
    await expect(sandbox.syncPull()).rejects.toThrow(
      /workspace sync conflict: local workspace changed since last sync/,
    );
    await sandbox.syncPush();
    await sandbox.syncPull();
  });

  it('write_file and read_file are binary-safe, mkdir and remove_file work', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await sandbox.mkdir('/workspace/bin/deep', true);
    await sandbox.writeFile('/workspace/bin/deep/all.bin', bytes);
    expect(Buffer.compare(await sandbox.readFile('/workspace/bin/deep/all.bin'), bytes)).toBe(0);
    const large = randomBytes(60_000);
    await sandbox.writeFile('/workspace/bin/large.bin', large);
    expect(Buffer.compare(await sandbox.readFile('/workspace/bin/large.bin'), large)).toBe(0);
    await sandbox.removeFile('/workspace/bin/large.bin');
    await expect(sandbox.readFile('/workspace/bin/large.bin')).rejects.toThrow(BridgeFailure);
    await sandbox.syncPull();
    expect(Buffer.compare(readFileSync(join(project.path, 'bin', 'deep', 'all.bin')), bytes)).toBe(0);
  });

  it('stop pulls first, then stops; resume starts it again and pushes', async () => {
    await sandbox.writeFile('/workspace/before-stop.txt', Buffer.from('pulled at stop\n'));
    await sandbox.stop();
    expect(log.slice(-2).map((run) => run.operation)).toEqual(['sync_pull', 'stop']);
    expect(sandbox.running).toBe(false);
    expect(readFileSync(join(project.path, 'before-stop.txt'), 'utf8')).toBe('pulled at stop\n');
    const response = await sandbox.start();
    expect(log.at(-2)?.operation).toBe('resume');
    expect(response.running).toBe(true);
    const result = await sandbox.exec(['cat', 'before-stop.txt']);
    expect(result).toMatchObject({ exit_code: 0, stdout: 'pulled at stop\n' });
  });

  it('snapshot answers with an opaque snapshot_handle; restore fills a new sandbox and pulls it back', async () => {
    await sandbox.exec(['sh', '-c', 'echo at-snapshot > snap.txt']);
    handle = await sandbox.snapshot('bt-snap');
    expect(handle).toMatch(/\S/);
    expect(sandbox.remoteMetadata.snapshot_handle).toBe(handle);
    restored = sandbox.restored('btr', handle);
    await restored.start();
    expect(log.slice(-3).map((run) => run.operation)).toEqual(['create', 'restore', 'sync_pull']);
    expect(restored.remoteId).not.toBe(sandbox.remoteId);
    expect(restored.remoteMetadata.restore_snapshot).toBeUndefined();
    const result = await restored.exec(['cat', 'snap.txt', 'before-stop.txt']);
    expect(result).toMatchObject({ exit_code: 0, stdout: 'at-snapshot\npulled at stop\n' });
  });

  it('destroy leaves nothing at the provider; delete_snapshot removes the handle', async () => {
    await restored!.remove();
    await sandbox.remove();
    expect(sandbox.running).toBe(false);
    if (provider) expect(await provider.sandboxNames(serve!.env)).toEqual([]);
    await sandbox.deleteSnapshot(handle);
    await expect(sandbox.deleteSnapshot(handle)).rejects.toThrow(/snapshot/);
    expect(await filesUnder(join(home.path, 'bridge', 'snapshots'))).toEqual([]);
    expect(await filesUnder(join(home.path, 'bridge', 'sandboxes'))).toEqual([]);
  });

  it('printed exactly one JSON line per process, and the key appears in no output and no state file', async () => {
    expect(log.length).toBeGreaterThan(20);
    for (const run of log) expect(run.response, `${run.operation}: ${run.stdout}`).toBeDefined();
    if (!provider) return;
    expect(secret.length).toBeGreaterThan(8);
    for (const run of log) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
    for (const file of await filesUnder(home.path)) {
      if ((await stat(file)).size > 10_000_000) continue;
      expect((await readFile(file)).includes(Buffer.from(secret)), file).toBe(false);
    }
  });
});
