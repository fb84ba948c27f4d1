// A canary credential, inline in agentkernel.toml and in a .env, must reach no sandbox file, no
// snapshot and no output, on the local backend and on the offline E2B.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentkernel,
  expectExit,
  json,
  REPO_ROOT,
  startServe,
  stopServe,
  tempDir,
  type CliResult,
  type Manifest,
} from './helpers.js';

const E2B_PLUGIN = join(REPO_ROOT, 'plugins', 'e2b');

interface FakeEnv {
  readonly E2B_API_URL: string;
  readonly E2B_SANDBOX_URL: string;
  readonly E2B_API_KEY: string;
}

describe.each(['local', 'e2b'])('a registered credential on %s', (backend) => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  let serve: { child: ChildProcess; env: FakeEnv } | undefined;
  let canary = '';
  const outputs: CliResult[] = [];
  const run = async (...args: string[]): Promise<CliResult> => {
    const result = await agentkernel(args, { home: home.path, cwd: project.path, env: { ...serve?.env } });
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    home = await tempDir(`secrets-${backend}-home`);
    project = await tempDir(`secrets-${backend}-project`);
    if (backend === 'e2b') {
      serve = await startServe<FakeEnv>(join(E2B_PLUGIN, 'dist', 'testing', 'serve.js'));
      // The E2B key itself is the credential here: the fake accepts it, and it must not leak.
      canary = serve.env.E2B_API_KEY;
    } else {
      canary = `e2b_canary_${randomBytes(16).toString('hex')}`;
    }
    await writeFile(join(project.path, 'package.json'), '{ "name": "secrets-project", "private": true }\n');
    await writeFile(
      join(project.path, 'agentkernel.toml'),
      `[security]\nmount_cwd = true\n\n[plugins]\npaths = [${JSON.stringify(E2B_PLUGIN)}]\n\n` +
        `[remote.e2b]\napi_key = "${canary}"\n`,
    );
    await writeFile(join(project.path, '.env'), `E2B_API_KEY=${canary}\n`);
    await writeFile(join(project.path, 'app.js'), 'console.log("no secret here")\n');
  }, 30_000);

  afterAll(async () => {
    try {
      await run('sandbox', 'remove', 's', '--force');
    } finally {
      if (serve !== undefined) await stopServe(serve.child);
      await home.cleanup();
      await project.cleanup();
    }
  }, 60_000);

  it('is pushed nowhere, archived nowhere and printed nowhere', async () => {
    const created = expectExit('sandbox create', await run('sandbox', 'create', 's', '-B', backend), 0);
    expect(created.stderr).toContain('not pushed: "agentkernel.toml"');
    expect(created.stderr).toContain('not pushed: ".env"');

    const listing = expectExit(
      'exec ls',
      await run('exec', 's', '--', 'sh', '-c', 'ls -A /workspace; cat /workspace/app.js'),
      0,
    );
    expect(listing.stdout.split('\n')).not.toContain('.env');
    expect(listing.stdout.split('\n')).not.toContain('agentkernel.toml');
    expect(listing.stdout).toContain('no secret here');
    // The sandbox writes the credential into a file of its own: the snapshot leaves that file out.
    const prefix = canary.slice(0, 8);
    const rest = canary.slice(8);
    expectExit(
      'exec write',
      await run(
        'exec',
        's',
        '--no-sync',
        '--',
        'sh',
        '-c',
        `printf '%s%s' "$1" "$2" > leaked.txt`,
        'sh',
        prefix,
        rest,
      ),
      0,
    );
    const grep = await run(
      'exec',
      's',
      '--no-sync',
      '--',
      'sh',
      '-c',
      `grep -rl -- "$1$2" /workspace || true`,
      'sh',
      prefix,
      rest,
    );
    expect(grep.stdout.trim()).toBe('/workspace/leaked.txt');

    const taken = expectExit('snapshot take', await run('snapshot', 'take', 's', '--json'), 0);
    expect(taken.stderr).toContain('not in the snapshot: "leaked.txt"');
    const manifest = json<Manifest>(taken);
    expect(manifest.native).toBeUndefined();
    const archive = gunzipSync(readFileSync(join(home.path, 'snapshots', manifest.name, 'workspace.tar.gz')));
    expect(archive.includes(Buffer.from(canary))).toBe(false);
    expect(archive.includes(Buffer.from('no secret here'))).toBe(true);

    // A command that carries it as an argument is logged in the audit log without it.
    expectExit(
      'exec with the key as an argument',
      await run('exec', 's', '--no-sync', '--', 'true', canary),
      0,
    );
    const audit = readFileSync(join(home.path, 'audit.jsonl'), 'utf8');
    expect(audit).toContain('"command_executed"');
    expect(audit).not.toContain(canary);

    // State holds it nowhere either.
    for (const name of readdirSync(join(home.path, 'sandboxes')))
      expect(readFileSync(join(home.path, 'sandboxes', name), 'utf8')).not.toContain(canary);
    for (const result of outputs) {
      expect(result.stdout).not.toContain(canary);
      expect(result.stderr).not.toContain(canary);
    }
  });
});
