// The built `agentkernel` binary against the offline Daytona that `serve.js` runs as its own process,
// exactly as a user would point the CLI at it: only the environment it prints.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentkernel,
  attachInTerminal,
  type CliResult,
  expectExit,
  json,
  type Manifest,
  REPO_ROOT,
  shown,
  startServe,
  stopServe,
  type SyncReport,
  tempDir,
  WORKSPACE_LISTING,
} from './helpers.js';
import { daytonaSandboxNames } from './fake-sandboxes.js';

const DAYTONA_PLUGIN = join(REPO_ROOT, 'plugins', 'daytona');
const SERVE = join(DAYTONA_PLUGIN, 'dist', 'testing', 'serve.js');

interface FakeEnv {
  readonly DAYTONA_API_URL: string;
  readonly DAYTONA_API_KEY: string;
}

describe('the built CLI against the offline Daytona (serve.js)', () => {
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

  /** Asks the fake itself, through its REST API, which sandboxes exist (by agentkernel name). */
  const fakeSandboxNames = (): Promise<string[]> => daytonaSandboxNames({ ...fakeEnv() });

  beforeAll(async () => {
    home = await tempDir('daytona-home');
    project = await tempDir('daytona-project');
    await writeFile(join(project.path, 'package.json'), '{ "name": "daytona-project", "private": true }\n');
    await writeFile(
      join(project.path, 'agentkernel.toml'),
      `[security]\nmount_cwd = true\n\n[plugins]\npaths = [${JSON.stringify(DAYTONA_PLUGIN)}]\n`,
    );
    await writeFile(join(project.path, 'notes.txt'), 'from the project\n');
    serve = await startServe<FakeEnv>(SERVE);
  }, 30_000);

  afterAll(async () => {
    try {
      if (serve !== undefined)
        for (const name of ['d', 'd2', 'd3']) await run(['sandbox', 'remove', name, '--force']);
    } finally {
      if (serve !== undefined) await stopServe(serve.child);
      await home.cleanup();
      await project.cleanup();
    }
  }, 60_000);

  it('plugins list shows daytona as ready', async () => {
    const result = expectExit('plugins list', await run(['plugins', 'list']), 0);
    expect(result.stdout).toMatch(/^daytona\s+@agentkernel\/backend-daytona\s+\S+\s+ready\s/m);
  });

  it('sandbox create d -B daytona makes a Daytona sandbox and pushes the project', async () => {
    expectExit('sandbox create d -B daytona', await run(['sandbox', 'create', 'd', '-B', 'daytona']), 0);
    expect(await fakeSandboxNames()).toEqual(['d']);
    const inside = expectExit(
      'exec --no-sync cat notes.txt',
      await run(['exec', 'd', '--no-sync', '--', 'cat', 'notes.txt']),
      0,
    );
    expect(inside.stdout).toBe('from the project\n');
  });

  it("exec exits with the command's code (3), and a file made inside appears in the project folder", async () => {
    const result = await run(['exec', 'd', '--', 'sh', '-c', 'echo x > made-inside.txt; exit 3']);
    expectExit('exec d -- sh -c "...; exit 3"', result, 3);
    expect(readFileSync(join(project.path, 'made-inside.txt'), 'utf8')).toBe('x\n');
  });

  it('sync push --json after a one-file edit sends only that file', async () => {
    await writeFile(join(project.path, 'big.bin'), randomBytes(200_000));
    expectExit('first sync push', await run(['sync', 'push', 'd', '--json']), 0);
    await writeFile(join(project.path, 'notes.txt'), 'edited locally\n');
    const report = json<SyncReport>(
      expectExit('sync push --json', await run(['sync', 'push', 'd', '--json']), 0),
    );
    expect(report).toMatchObject({ direction: 'push', filesSent: 1 });
    expect(report.bytesSent).toBeLessThan(64 * 1024);
    const result = expectExit(
      'exec cat notes.txt',
      await run(['exec', 'd', '--no-sync', '--', 'cat', 'notes.txt']),
      0,
    );
    expect(result.stdout).toBe('edited locally\n');
  });

  it('snapshot take d keeps /workspace, natively on Daytona', async () => {
    const fill =
      'mkdir -p "sub dir/deep" empty && head -c 70000 /dev/urandom > "sub dir/deep/blob.bin" && ' +
      'printf "#!/bin/sh\\necho tool\\n" > tool.sh && chmod 750 tool.sh && ln -s tool.sh link && ';
    snapshotListing = expectExit(
      'fill and list',
      await run(['exec', 'd', '--no-sync', '--', 'sh', '-c', fill + WORKSPACE_LISTING]),
      0,
    ).stdout;
    expect(snapshotListing).toContain('./link -> tool.sh');
    expect(snapshotListing).toContain('./tool.sh 750 ');
    const manifest = json<Manifest>(
      expectExit('snapshot take d', await run(['snapshot', 'take', 'd', '--json']), 0),
    );
    expect(manifest.source).toMatchObject({ backend: 'daytona', sandbox: 'd' });
    expect(manifest.native?.backend).toBe('daytona');
    snapshotName = manifest.name;
    expectExit(
      'change after snapshot',
      await run(['exec', 'd', '--no-sync', '--', 'sh', '-c', 'echo later > later.txt; rm tool.sh']),
      0,
    );
  });

  it('snapshot restore --as d2 -B local gives a /workspace equal to the original', async () => {
    const result = await run(['snapshot', 'restore', snapshotName, '--as', 'd2', '-B', 'local', '--json']);
    expect(json(expectExit('snapshot restore --as d2 -B local', result, 0))).toMatchObject({
      name: 'd2',
      backend: 'local',
      method: 'portable',
      status: 'running',
    });
    const listing = expectExit(
      'list d2',
      await run(['exec', 'd2', '--no-sync', '--', 'sh', '-c', WORKSPACE_LISTING]),
      0,
    );
    expect(listing.stdout).toBe(snapshotListing);
  });

  it('snapshot restore --as d3 -B daytona restores natively, equal to the original', async () => {
    const result = await run(['snapshot', 'restore', snapshotName, '--as', 'd3', '-B', 'daytona', '--json']);
    expect(json(expectExit('snapshot restore --as d3 -B daytona', result, 0))).toMatchObject({
      name: 'd3',
      backend: 'daytona',
      method: 'native',
      status: 'running',
    });
    const listing = expectExit(
      'list d3',
      await run(['exec', 'd3', '--no-sync', '--', 'sh', '-c', WORKSPACE_LISTING]),
      0,
    );
    expect(listing.stdout).toBe(snapshotListing);
    expect(await fakeSandboxNames()).toEqual(['d', 'd3']);
  });

  it('attach d gives a shell in a real terminal and exits with its code', async () => {
    const { code, output } = await attachInTerminal('d', 'echo inside-$((6*7)); exit 5\n', {
      home: home.path,
      cwd: project.path,
      env: { ...fakeEnv() },
    });
    expect(output).toContain('inside-42');
    expect(code, output).toBe(5);
  });

  it('a wrong DAYTONA_API_KEY exits 3 without printing the key, and leaves nothing behind', async () => {
    const wrongKey = `dtn_${randomBytes(20).toString('hex')}`;
    for (const args of [
      ['sandbox', 'create', 'bad', '-B', 'daytona'],
      ['exec', 'd', '--', 'true'],
    ]) {
      const result = await run(args, { DAYTONA_API_KEY: wrongKey });
      // exec's own failures exit 125, leaving every other code to the command.
      expect(args[0] === 'exec' ? [125] : [2, 3], shown(args.join(' '), result)).toContain(result.code);
      expect(result.stderr, shown(args.join(' '), result)).toContain('DAYTONA_API_KEY');
      for (const key of [wrongKey, fakeEnv().DAYTONA_API_KEY]) {
        expect(result.stderr).not.toContain(key);
        expect(result.stdout).not.toContain(key);
      }
    }
    expect(await fakeSandboxNames()).toEqual(['d', 'd3']);
  });

  it('sandbox remove of all three leaves no sandbox in the fake', async () => {
    for (const name of ['d', 'd2', 'd3'])
      expectExit(`sandbox remove ${name}`, await run(['sandbox', 'remove', name]), 0);
    expect(await fakeSandboxNames()).toEqual([]);
  });
});
