// The scenario every provider's e2e test runs: the built `agentkernel` binary against the provider's
// offline fake, which its `serve.js` runs as its own process, exactly as a user would point the CLI at
// it: only the environment it prints. create with mount_cwd, exec exit code and pull, delta push,
// native snapshot, restore onto local and onto the provider, a wrong key, remove.
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

export interface ProviderCliOptions<Env> {
  /** The backend name, which is also the plugin's folder: `runloop`. */
  readonly backend: string;
  /** For titles: `Runloop`. */
  readonly title: string;
  /** What the provider calls a sandbox, for titles: `devbox`. */
  readonly sandbox: string;
  /** The environment variable of the API key in `Env`. */
  readonly keyVar: keyof Env & string;
  /** How a key of this provider starts, for a wrong one that looks real. */
  readonly keyPrefix: string;
  /** The agentkernel names of the sandboxes the fake has (not destroyed), sorted, asked of the fake itself. */
  readonly sandboxNames: (env: Env) => Promise<string[]>;
}

/** Registers the scenario for one provider. */
export function describeProviderCli<Env extends Record<string, string>>(
  options: ProviderCliOptions<Env>,
): void {
  const { backend, keyVar } = options;
  const plugin = join(REPO_ROOT, 'plugins', backend);
  describe(`the built CLI against the offline ${options.title} (serve.js)`, () => {
    let serve: { child: ChildProcess; env: Env } | undefined;
    let home: Awaited<ReturnType<typeof tempDir>>;
    let project: Awaited<ReturnType<typeof tempDir>>;
    let snapshotListing = '';
    let snapshotName = '';

    const fakeEnv = (): Env => {
      if (serve === undefined) throw new Error('serve.js did not start');
      return serve.env;
    };
    const run = (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> =>
      agentkernel(args, { home: home.path, cwd: project.path, env: { ...fakeEnv(), ...env } });

    const fakeSandboxNames = (): Promise<string[]> => options.sandboxNames(fakeEnv());

    beforeAll(async () => {
      home = await tempDir(`${backend}-home`);
      project = await tempDir(`${backend}-project`);
      await writeFile(
        join(project.path, 'package.json'),
        `{ "name": "${backend}-project", "private": true }\n`,
      );
      // The plugin is listed by path, as a user does with a plugin that is not installed in the project.
      await writeFile(
        join(project.path, 'agentkernel.toml'),
        `[security]\nmount_cwd = true\n\n[plugins]\npaths = [${JSON.stringify(plugin)}]\n`,
      );
      await writeFile(join(project.path, 'notes.txt'), 'from the project\n');
      serve = await startServe<Env>(join(plugin, 'dist', 'testing', 'serve.js'));
    }, 30_000);

    afterAll(async () => {
      try {
        if (serve !== undefined)
          for (const name of ['t', 't2', 't3']) await run(['sandbox', 'remove', name, '--force']);
      } finally {
        if (serve !== undefined) await stopServe(serve.child);
        await home.cleanup();
        await project.cleanup();
      }
    }, 60_000);

    it(`plugins list shows ${backend} as ready`, async () => {
      const result = expectExit('plugins list', await run(['plugins', 'list']), 0);
      expect(result.stdout).toMatch(
        new RegExp(`^${backend}\\s+@agentkernel/backend-${backend}\\s+\\S+\\s+ready\\b`, 'm'),
      );
    });

    it(`sandbox create t -B ${backend} makes a ${options.sandbox} and pushes the project`, async () => {
      expectExit(`sandbox create t -B ${backend}`, await run(['sandbox', 'create', 't', '-B', backend]), 0);
      expect(await fakeSandboxNames()).toEqual(['t']);
      const inside = expectExit(
        'exec --no-sync cat notes.txt',
        await run(['exec', 't', '--no-sync', '--', 'cat', 'notes.txt']),
        0,
      );
      expect(inside.stdout).toBe('from the project\n');
    });

    it("exec exits with the command's code (3), and a file made inside appears in the project folder", async () => {
      const result = await run(['exec', 't', '--', 'sh', '-c', 'echo x > made-inside.txt; exit 3']);
      expectExit('exec t -- sh -c "...; exit 3"', result, 3);
      expect(readFileSync(join(project.path, 'made-inside.txt'), 'utf8')).toBe('x\n');
    });

    it('a local edit is visible inside on the next exec', async () => {
      await writeFile(join(project.path, 'notes.txt'), 'edited locally\n');
      const result = expectExit(
        'exec t -- cat notes.txt',
        await run(['exec', 't', '--', 'cat', 'notes.txt']),
        0,
      );
      expect(result.stdout).toBe('edited locally\n');
    });

    it('sync push --json after a one-file edit sends less than the file plus 64 KiB', async () => {
      const big = randomBytes(300_000);
      await writeFile(join(project.path, 'big.bin'), big);
      const first = json<SyncReport>(
        expectExit('first sync push', await run(['sync', 'push', 't', '--json']), 0),
      );
      expect(first.filesSent).toBe(1);
      big[1000] = (big[1000]! + 1) % 256;
      await writeFile(join(project.path, 'big.bin'), big);
      const report = json<SyncReport>(
        expectExit('sync push --json', await run(['sync', 'push', 't', '--json']), 0),
      );
      expect(report).toMatchObject({ direction: 'push', filesSent: 1 });
      expect(report.bytesSent).toBeLessThan(big.length + 64 * 1024);
      const digest = expectExit(
        'sha256sum big.bin',
        await run(['exec', 't', '--no-sync', '--', 'sha256sum', 'big.bin']),
        0,
      );
      expect(digest.stdout.slice(0, 64)).toBe(createHash('sha256').update(big).digest('hex'));
    });

    it(`snapshot take t keeps /workspace, natively on ${options.title}`, async () => {
      const fill =
        'mkdir -p "sub dir/deep" empty && head -c 70000 /dev/urandom > "sub dir/deep/blob.bin" && ' +
        'printf "#!/bin/sh\\necho tool\\n" > tool.sh && chmod 750 tool.sh && ln -s tool.sh link && ';
      snapshotListing = expectExit(
        'fill and list /workspace',
        await run(['exec', 't', '--no-sync', '--', 'sh', '-c', fill + WORKSPACE_LISTING]),
        0,
      ).stdout;
      expect(snapshotListing).toContain('./sub dir/deep/blob.bin 644 ');
      expect(snapshotListing).toContain('./link -> tool.sh');
      expect(snapshotListing).toContain('./tool.sh 750 ');
      const manifest = json<Manifest>(
        expectExit('snapshot take t', await run(['snapshot', 'take', 't', '--json']), 0),
      );
      expect(manifest.source).toMatchObject({ backend, sandbox: 't' });
      expect(manifest.native?.backend).toBe(backend);
      snapshotName = manifest.name;
      // Changed after the snapshot: the restores below must not see this.
      expectExit(
        'change after snapshot',
        await run(['exec', 't', '--no-sync', '--', 'sh', '-c', 'echo later > later.txt; rm tool.sh']),
        0,
      );
    });

    it('snapshot restore --as t2 -B local gives a /workspace equal to the original', async () => {
      const result = await run(['snapshot', 'restore', snapshotName, '--as', 't2', '-B', 'local', '--json']);
      expect(json(expectExit('snapshot restore --as t2 -B local', result, 0))).toMatchObject({
        name: 't2',
        backend: 'local',
        method: 'portable',
        status: 'running',
      });
      const listing = expectExit(
        'list t2',
        await run(['exec', 't2', '--no-sync', '--', 'sh', '-c', WORKSPACE_LISTING]),
        0,
      );
      expect(listing.stdout).toBe(snapshotListing);
    });

    it(`snapshot restore --as t3 -B ${backend} gives a /workspace equal to the original`, async () => {
      const result = await run(['snapshot', 'restore', snapshotName, '--as', 't3', '-B', backend, '--json']);
      expect(json(expectExit(`snapshot restore --as t3 -B ${backend}`, result, 0))).toMatchObject({
        name: 't3',
        backend,
        method: 'native',
        status: 'running',
      });
      const listing = expectExit(
        'list t3',
        await run(['exec', 't3', '--no-sync', '--', 'sh', '-c', WORKSPACE_LISTING]),
        0,
      );
      expect(listing.stdout).toBe(snapshotListing);
      expect(await fakeSandboxNames()).toEqual(['t', 't3']);
    });

    it(`a wrong ${keyVar} exits 3 without printing the key, and leaves nothing behind`, async () => {
      const wrongKey = `${options.keyPrefix}${randomBytes(20).toString('hex')}`;
      for (const args of [
        ['sandbox', 'create', 'bad', '-B', backend],
        ['exec', 't', '--', 'true'],
      ]) {
        const result = await run(args, { [keyVar]: wrongKey });
        // exec's own failures exit 125, leaving every other code to the command.
        expect(args[0] === 'exec' ? [125] : [2, 3], shown(args.join(' '), result)).toContain(result.code);
        expect(result.stderr, shown(args.join(' '), result)).toContain(keyVar);
        for (const key of [wrongKey, fakeEnv()[keyVar]]) {
          expect(result.stderr).not.toContain(key);
          expect(result.stdout).not.toContain(key);
        }
      }
      expect(await fakeSandboxNames()).toEqual(['t', 't3']);
    });

    it('sandbox remove of all three leaves no sandbox in the fake', async () => {
      for (const name of ['t', 't2', 't3'])
        expectExit(`sandbox remove ${name}`, await run(['sandbox', 'remove', name]), 0);
      expect(await fakeSandboxNames()).toEqual([]);
      const listed = json<{ name: string }[]>(
        expectExit('sandbox list --json', await run(['sandbox', 'list', '--json']), 0),
      );
      expect(listed).toEqual([]);
    });
  });
}
