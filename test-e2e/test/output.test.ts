// What the CLI prints, black-box: exec/run --json, sandbox list ports and endpoints, times with their
// zone, snapshot JSON with one spelling per field, and working-directory errors that read the same on the
// local backend and on the E2B fake (its serve.js).
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, expectExit, json, REPO_ROOT, startServe, stopServe, tempDir } from './helpers.js';

interface CommandJson {
  exitCode: number;
  stdout: string;
  stdoutEncoding: string;
  stderr: string;
  stderrEncoding: string;
  timedOut: boolean;
}

describe('output of the built CLI', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  let e2b: { child: ChildProcess; env: Record<string, string> } | undefined;
  const run = (...args: string[]) =>
    agentkernel(args, { home: home.path, cwd: project.path, env: e2b?.env ?? {} });

  beforeAll(async () => {
    home = await tempDir('output-home');
    project = await tempDir('output-project');
    e2b = await startServe<Record<string, string>>(
      join(REPO_ROOT, 'plugins', 'e2b', 'dist', 'testing', 'serve.js'),
    );
    const plugin = JSON.stringify(join(REPO_ROOT, 'plugins', 'e2b'));
    await writeFile(join(project.path, 'agentkernel.toml'), `[plugins]\npaths = [${plugin}]\n`);
    expectExit('create', await run('sandbox', 'create', 'out-local', '-p', '8080'), 0);
    expectExit('create e2b', await run('sandbox', 'create', 'out-e2b', '-B', 'e2b'), 0);
  }, 120_000);
  afterAll(async () => {
    await run('sandbox', 'remove', 'out-local', '--force');
    await run('sandbox', 'remove', 'out-e2b', '--force');
    if (e2b) await stopServe(e2b.child);
    await home.cleanup();
    await project.cleanup();
  });

  it('exec --json gives exitCode, stdout and stderr, base64 (and saying so) when not UTF-8', async () => {
    const result = await run(
      'exec',
      'out-local',
      '--json',
      '--',
      'sh',
      '-c',
      'echo héllo; printf "\\377\\000" >&2; exit 3',
    );
    expect(result.code).toBe(3);
    expect(json<CommandJson>(result)).toEqual({
      exitCode: 3,
      stdout: 'héllo\n',
      stdoutEncoding: 'utf8',
      stderr: Buffer.from([0xff, 0x00]).toString('base64'),
      stderrEncoding: 'base64',
      timedOut: false,
    });
    expect(result.stderr).toBe('');
  });

  it('run --json gives the same object', async () => {
    const result = expectExit(
      'run',
      await run('run', '--json', '--', 'sh', '-c', 'echo out; echo err >&2'),
      0,
    );
    expect(json<CommandJson>(result)).toEqual({
      exitCode: 0,
      stdout: 'out\n',
      stdoutEncoding: 'utf8',
      stderr: 'err\n',
      stderrEncoding: 'utf8',
      timedOut: false,
    });
  });

  it('sandbox list shows ports with their endpoints, and times with their zone', async () => {
    const listed = json<{ name: string; ports: number[]; endpoints: { port: number; url: string }[] }[]>(
      expectExit('list --json', await run('sandbox', 'list', '--json'), 0),
    );
    const local = listed.find((sandbox) => sandbox.name === 'out-local');
    expect(local?.ports).toEqual([8080]);
    expect(local?.endpoints).toEqual([
      { port: 8080, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) },
    ]);
    const table = expectExit('list', await run('sandbox', 'list'), 0).stdout;
    const row = table.split('\n').find((line) => line.startsWith('out-local '));
    expect(row).toContain(`8080 ${local?.endpoints[0]?.url}`);
    expect(row).toMatch(/ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC /);
    expect(table.split('\n')[0]).toMatch(/ PORTS /);
    const info = expectExit('info', await run('sandbox', 'info', 'out-local'), 0).stdout;
    expect(info).toMatch(/^created: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
  });

  it("snapshot JSON has one spelling per field; the manifest file keeps agentkernel's", async () => {
    const taken = expectExit(
      'take',
      await run('snapshot', 'take', 'out-local', '--name', 'out-snap', '--json'),
      0,
    );
    const listed = json<Record<string, unknown>[]>(
      expectExit('list', await run('snapshot', 'list', '--json'), 0),
    );
    for (const view of [json<Record<string, unknown>>(taken), listed.find((m) => m.name === 'out-snap')]) {
      expect(view).toMatchObject({ name: 'out-snap', createdAt: expect.any(String) });
      for (const mirror of [
        'created_at',
        'sandbox',
        'backend',
        'vcpus',
        'memory_mb',
        'image_tag',
        'base_image',
        'remote_snapshot',
      ])
        expect(view, mirror).not.toHaveProperty(mirror);
    }
    const file = JSON.parse(
      readFileSync(join(home.path, 'snapshots', 'out-snap', 'manifest.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(file.created_at).toBe(file.createdAt);
    const table = expectExit('list', await run('snapshot', 'list'), 0).stdout;
    expect(table.split('\n').find((line) => line.startsWith('out-snap '))).toMatch(/ UTC /);
  });

  it.each(['out-local', 'out-e2b'])(
    '%s: a missing or non-directory -w says which, the same on every backend',
    async (name) => {
      const missing = await run('exec', name, '-w', 'no/such dir', '--', 'pwd');
      expect(missing.code).toBe(125);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toBe(
        `[agentkernel] working directory /workspace/no/such dir does not exist in sandbox ${name}\n` +
          `hint: create it with: agentkernel exec ${name} -- mkdir -p '/workspace/no/such dir'\n` +
          'exit code 125: agentkernel failed (not found), not the command\n',
      );
      expectExit('touch', await run('exec', name, '--', 'sh', '-c', 'touch /workspace/a-file'), 0);
      const file = await run('exec', name, '-w', '/workspace/a-file', '--', 'pwd');
      expect(file.code).toBe(125);
      expect(file.stderr).toContain(
        `working directory /workspace/a-file is not a directory in sandbox ${name}\n`,
      );
      const fine = expectExit('-w /tmp', await run('exec', name, '-w', '/tmp', '--', 'pwd'), 0);
      expect(fine.stdout).toBe('/tmp\n');
    },
  );

  it('an error about a sandbox names it, not only the provider id', async () => {
    const local = await run('sandbox', 'cp', 'out-local:/nope', join(project.path, 'x'));
    expect(local.code).toBe(5);
    expect(local.stderr).toMatch(
      /^\[agentkernel\] \/nope does not exist in sandbox out-local \(local id [\w-]+\)\n/,
    );
  });
});
