// The built `agentkernel` binary against the offline Modal that `serve.js` runs as its own process,
// exactly as a user would point the CLI at it: only the environment it prints.
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModalClient } from 'modal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentkernel,
  expectExit,
  json,
  REPO_ROOT,
  shown,
  startServe,
  stopServe,
  tempDir,
  WORKSPACE_LISTING,
  type CliResult,
  type Manifest,
  type SyncReport,
} from './helpers.js';

const MODAL_PLUGIN = join(REPO_ROOT, 'plugins', 'modal');
const SERVE = join(MODAL_PLUGIN, 'dist', 'testing', 'serve.js');

interface FakeEnv {
  readonly MODAL_SERVER_URL: string;
  readonly MODAL_TOKEN_ID: string;
  readonly MODAL_TOKEN_SECRET: string;
}

describe('the built CLI against the offline Modal (serve.js)', () => {
  let serve: { child: ChildProcess; env: FakeEnv } | undefined;
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  let snapshotListing = '';
  let snapshotName = '';

  const fakeEnv = (): FakeEnv => {
    if (serve === undefined) throw new Error('serve.js did not start');
    return serve.env;
  };
  const run = (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> =>
    agentkernel(args, { home: home.path, cwd: project.path, env: { ...fakeEnv(), ...env } });

  /** Asks the fake itself, through the real SDK, which of agentkernel's sandboxes are running (by name). */
  async function fakeSandboxNames(): Promise<string[]> {
    const { MODAL_SERVER_URL, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET } = fakeEnv();
    process.env.MODAL_SERVER_URL = MODAL_SERVER_URL;
    const modal = new ModalClient({
      tokenId: MODAL_TOKEN_ID,
      tokenSecret: MODAL_TOKEN_SECRET,
      logLevel: 'error',
    });
    delete process.env.MODAL_SERVER_URL;
    try {
      const app = await modal.apps.fromName('agentkernel', { createIfMissing: true });
      const names: string[] = [];
      for await (const sandbox of modal.sandboxes.list({
        appId: app.appId,
        tags: { 'agentkernel.managed': 'true' },
      }))
        names.push((await sandbox.getTags())['agentkernel.name'] ?? `(unnamed ${sandbox.sandboxId})`);
      return names.sort();
    } finally {
      modal.close();
    }
  }

  beforeAll(async () => {
    home = await tempDir('modal-home');
    project = await tempDir('modal-project');
    await writeFile(join(project.path, 'package.json'), '{ "name": "modal-project", "private": true }\n');
    // The plugin is listed by path, as a user does with a plugin that is not installed in the project.
    await writeFile(
      join(project.path, 'agentkernel.toml'),
      `[security]\nmount_cwd = true\n\n[plugins]\npaths = [${JSON.stringify(MODAL_PLUGIN)}]\n`,
    );
    await writeFile(join(project.path, 'notes.txt'), 'from the project\n');
    serve = await startServe<FakeEnv>(SERVE);
  }, 30_000);

  afterAll(async () => {
    try {
      if (serve !== undefined)
        for (const name of ['m', 'm2', 'm3']) await run(['sandbox', 'remove', name, '--force']);
    } finally {
      if (serve !== undefined) await stopServe(serve.child);
      await home.cleanup();
      await project.cleanup();
    }
  }, 60_000);

  it('plugins list shows modal as ready', async () => {
    const result = expectExit('plugins list', await run(['plugins', 'list']), 0);
    expect(result.stdout).toMatch(/^modal\s+@agentkernel\/backend-modal\s+\S+\s+ready\b/m);
  });

  it('sandbox create m -B modal makes a Modal sandbox and pushes the project', async () => {
    expectExit('sandbox create m -B modal', await run(['sandbox', 'create', 'm', '-B', 'modal']), 0);
    expect(await fakeSandboxNames()).toEqual(['m']);
    const inside = expectExit(
      'exec --no-sync cat notes.txt',
      await run(['exec', 'm', '--no-sync', '--', 'cat', 'notes.txt']),
      0,
    );
    expect(inside.stdout).toBe('from the project\n');
  });

  it("exec exits with the command's code (3), and a file made inside appears in the project folder", async () => {
    expectExit('exec m -- sh -c "exit 3"', await run(['exec', 'm', '--', 'sh', '-c', 'exit 3']), 3);
    const result = await run(['exec', 'm', '--', 'sh', '-c', 'echo x > made-inside.txt; exit 4']);
    expectExit('exec m -- sh -c "...; exit 4"', result, 4);
    expect(readFileSync(join(project.path, 'made-inside.txt'), 'utf8')).toBe('x\n');
  });

  it('sync push --json after a one-file edit sends less than the file plus 64 KiB', async () => {
    const big = randomBytes(300_000);
    await writeFile(join(project.path, 'big.bin'), big);
    const first = json<SyncReport>(
      expectExit('first sync push', await run(['sync', 'push', 'm', '--json']), 0),
    );
    expect(first.filesSent).toBe(1);
    big[1000] = (big[1000]! + 1) % 256;
    await writeFile(join(project.path, 'big.bin'), big);
    const report = json<SyncReport>(
      expectExit('sync push --json', await run(['sync', 'push', 'm', '--json']), 0),
    );
    expect(report).toMatchObject({ direction: 'push', filesSent: 1 });
    expect(report.bytesSent).toBeLessThan(big.length + 64 * 1024);
    const digest = expectExit(
      'sha256sum big.bin',
      await run(['exec', 'm', '--no-sync', '--', 'sha256sum', 'big.bin']),
      0,
    );
    expect(digest.stdout.slice(0, 64)).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('snapshot take m keeps /workspace, natively on Modal', async () => {
    const fill =
      'mkdir -p "sub dir/deep" empty && head -c 70000 /dev/urandom > "sub dir/deep/blob.bin" && ' +
      'printf "#!/bin/sh\\necho tool\\n" > tool.sh && chmod 750 tool.sh && ln -s tool.sh link && ';
    snapshotListing = expectExit(
      'fill and list /workspace',
      await run(['exec', 'm', '--no-sync', '--', 'sh', '-c', fill + WORKSPACE_LISTING]),
      0,
    ).stdout;
    expect(snapshotListing).toContain('./link -> tool.sh');
    expect(snapshotListing).toContain('./tool.sh 750 ');
    const manifest = json<Manifest>(
      expectExit('snapshot take m', await run(['snapshot', 'take', 'm', '--json']), 0),
    );
    expect(manifest.source).toMatchObject({ backend: 'modal', sandbox: 'm' });
    expect(manifest.native?.backend).toBe('modal');
    expect(manifest.native?.id).toMatch(/^im-/);
    snapshotName = manifest.name;
    expectExit(
      'change after snapshot',
      await run(['exec', 'm', '--no-sync', '--', 'sh', '-c', 'echo later > later.txt; rm tool.sh']),
      0,
    );
  });

  it('snapshot restore --as m2 -B local gives a /workspace equal to the original', async () => {
    const result = await run(['snapshot', 'restore', snapshotName, '--as', 'm2', '-B', 'local', '--json']);
    expect(json(expectExit('snapshot restore --as m2 -B local', result, 0))).toMatchObject({
      name: 'm2',
      backend: 'local',
      method: 'portable',
      status: 'running',
    });
    const listing = expectExit(
      'list m2',
      await run(['exec', 'm2', '--no-sync', '--', 'sh', '-c', WORKSPACE_LISTING]),
      0,
    );
    expect(listing.stdout).toBe(snapshotListing);
  });

  it('snapshot restore --as m3 -B modal restores natively, with /workspace equal to the original', async () => {
    const result = await run(['snapshot', 'restore', snapshotName, '--as', 'm3', '-B', 'modal', '--json']);
    expect(json(expectExit('snapshot restore --as m3 -B modal', result, 0))).toMatchObject({
      name: 'm3',
      backend: 'modal',
      method: 'native',
      status: 'running',
    });
    const listing = expectExit(
      'list m3',
      await run(['exec', 'm3', '--no-sync', '--', 'sh', '-c', WORKSPACE_LISTING]),
      0,
    );
    expect(listing.stdout).toBe(snapshotListing);
    expect(await fakeSandboxNames()).toEqual(['m', 'm3']);
  });

  it('a wrong MODAL_TOKEN_SECRET exits 3 without printing any token, and leaves nothing behind', async () => {
    const wrong = `as-${randomBytes(16).toString('hex')}`;
    for (const args of [
      ['sandbox', 'create', 'bad', '-B', 'modal'],
      ['exec', 'm', '--', 'true'],
    ]) {
      const result = await run(args, { MODAL_TOKEN_SECRET: wrong });
      expect([3, 125], shown(args.join(' '), result)).toContain(result.code);
      expect(result.stderr, shown(args.join(' '), result)).toContain('MODAL_TOKEN');
      for (const value of [wrong, fakeEnv().MODAL_TOKEN_SECRET, fakeEnv().MODAL_TOKEN_ID]) {
        expect(result.stderr).not.toContain(value);
        expect(result.stdout).not.toContain(value);
      }
    }
    expect(await fakeSandboxNames()).toEqual(['m', 'm3']);
  });

  it('sandbox remove of all three leaves no sandbox in the fake', async () => {
    for (const name of ['m', 'm2', 'm3'])
      expectExit(`sandbox remove ${name}`, await run(['sandbox', 'remove', name]), 0);
    expect(await fakeSandboxNames()).toEqual([]);
    const listed = json<{ name: string }[]>(
      expectExit('sandbox list --json', await run(['sandbox', 'list', '--json']), 0),
    );
    expect(listed).toEqual([]);
  });
});
