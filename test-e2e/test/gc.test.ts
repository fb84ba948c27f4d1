// Lifetimes and leftovers on E2B (issue 16 items 5 and 6), with the built CLI against the offline E2B
// fake run as its own process (serve.js): TTLs and labels recorded at create, an expired sandbox refused
// and extended, and `sandbox gc` finding and removing a sandbox whose record was deleted, one past its
// TTL and a record whose sandbox is gone, while leaving alone a sandbox another state made on the same
// account. `doctor` counts them.
import type { ChildProcess } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2bSandboxNames } from './fake-sandboxes.js';
import {
  agentkernel,
  expectExit,
  json,
  REPO_ROOT,
  startServe,
  stopServe,
  tempDir,
  type CliResult,
} from './helpers.js';

interface FakeEnv extends Record<string, string> {
  readonly E2B_API_URL: string;
  readonly E2B_API_KEY: string;
}

interface GcEntry {
  kind: 'untracked' | 'expired' | 'gone';
  backend: string;
  name: string | null;
  id: string;
  outcome: string;
}

interface Finding {
  status: string;
  check: string;
  detail: string;
}

describe('sandbox lifetimes and gc against the offline E2B (serve.js)', () => {
  let serve: { child: ChildProcess; env: FakeEnv } | undefined;
  let home: Awaited<ReturnType<typeof tempDir>>;
  let otherHome: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;

  const env = (): FakeEnv => {
    if (serve === undefined) throw new Error('serve.js did not start');
    return serve.env;
  };
  const run = (args: readonly string[], where = home.path): Promise<CliResult> =>
    agentkernel(args, { home: where, cwd: project.path, env: env() });
  const recordFile = (name: string) => join(home.path, 'sandboxes', `${name}.json`);
  const idOf = async (name: string) =>
    (JSON.parse(await readFile(recordFile(name), 'utf8')) as { ref: { id: string } }).ref.id;
  const expire = async (name: string) => {
    const record = JSON.parse(await readFile(recordFile(name), 'utf8')) as Record<string, unknown>;
    await writeFile(recordFile(name), JSON.stringify({ ...record, expiresAt: '2020-01-01T00:00:00.000Z' }));
  };

  beforeAll(async () => {
    home = await tempDir('gc-home');
    otherHome = await tempDir('gc-other-home');
    project = await tempDir('gc-project');
    await writeFile(join(project.path, 'package.json'), '{ "name": "gc-project", "private": true }\n');
    await writeFile(
      join(project.path, 'agentkernel.toml'),
      `[sandbox]\nttl = "2h"\n\n[plugins]\npaths = [${JSON.stringify(join(REPO_ROOT, 'plugins', 'e2b'))}]\n`,
    );
    serve = await startServe<FakeEnv>(join(REPO_ROOT, 'plugins', 'e2b', 'dist', 'testing', 'serve.js'));
  }, 30_000);

  afterAll(async () => {
    try {
      if (serve !== undefined) {
        for (const name of ['orphan', 'old', 'vanished', 'kept'])
          await run(['sandbox', 'remove', name, '--force']);
        await run(['sandbox', 'remove', 'theirs', '--force'], otherHome.path);
      }
    } finally {
      if (serve !== undefined) await stopServe(serve.child);
      await home.cleanup();
      await otherHome.cleanup();
      await project.cleanup();
    }
  }, 60_000);

  it('create records the TTL of [sandbox] ttl, or of --ttl over it, and the labels', async () => {
    const before = Date.now();
    const created = json<{ expiresAt: string; labels: Record<string, string> }>(
      expectExit(
        'sandbox create kept --ttl 30m -l team=infra',
        await run(['sandbox', 'create', 'kept', '-B', 'e2b', '--ttl', '30m', '-l', 'team=infra', '--json']),
        0,
      ),
    );
    expect(created.labels).toEqual({ team: 'infra' });
    const ttl = Date.parse(created.expiresAt) - before;
    expect(ttl).toBeGreaterThanOrEqual(30 * 60_000);
    expect(ttl).toBeLessThan(40 * 60_000);
    for (const name of ['orphan', 'old', 'vanished'])
      expectExit(`sandbox create ${name}`, await run(['sandbox', 'create', name, '-B', 'e2b']), 0);
    const fromConfig = json<{ expiresAt: string }>(
      expectExit('sandbox info old', await run(['sandbox', 'info', 'old', '--json']), 0),
    );
    expect(Date.parse(fromConfig.expiresAt) - before).toBeGreaterThanOrEqual(2 * 3_600_000);
    const info = expectExit('sandbox info kept', await run(['sandbox', 'info', 'kept']), 0);
    expect(info.stdout).toMatch(/^expires:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in (29m|30m)/m);
    expect(info.stdout).toMatch(/^labels:\s+team=infra$/m);
    // E2B's own timeout is held to the expiry too.
    expect(info.stdout).toMatch(/^expires:.*; e2b ends it then too$/m);
    const labelled = json<{ name: string }[]>(
      expectExit(
        'sandbox list -l team=infra',
        await run(['sandbox', 'list', '-l', 'team=infra', '--json']),
        0,
      ),
    );
    expect(labelled.map((view) => view.name)).toEqual(['kept']);
    // Another state on the same E2B account.
    expectExit(
      'sandbox create theirs (other home)',
      await run(['sandbox', 'create', 'theirs', '-B', 'e2b'], otherHome.path),
      0,
    );
    expect(await e2bSandboxNames(env())).toEqual(['kept', 'old', 'orphan', 'theirs', 'vanished']);
  });

  it('refuses bad durations and labels, naming the flag', async () => {
    const ttl = await run(['sandbox', 'create', 'bad', '-B', 'e2b', '--ttl', '1 hour']);
    expectExit('--ttl "1 hour"', ttl, 2);
    expect(ttl.stderr).toContain('--ttl "1 hour": write a duration such as 90s, 30m, 1h, 2d or 1h30m');
    const by = await run(['sandbox', 'extend-ttl', 'kept', '--by', '-5m']);
    expectExit('--by -5m', by, 2);
    expect(by.stderr).toContain('--by "-5m"');
    const label = await run(['sandbox', 'list', '-l', 'team']);
    expectExit('list -l team', label, 2);
    expect(label.stderr).toContain('--label "team": write key=value');
    expect(await e2bSandboxNames(env())).not.toContain('bad');
  });

  it('an expired sandbox refuses exec until extend-ttl gives it time again', async () => {
    await expire('kept');
    const refused = await run(['exec', 'kept', '--', 'true']);
    expectExit('exec kept (expired)', refused, 125);
    expect(refused.stderr).toContain('sandbox "kept" expired at 2020-01-01T00:00:00.000Z');
    expect(refused.stderr).toContain('agentkernel sandbox extend-ttl kept --by 1h');
    const extended = json<{ name: string; expiresAt: string }>(
      expectExit(
        'extend-ttl kept --by 1h',
        await run(['sandbox', 'extend-ttl', 'kept', '--by', '1h', '--json']),
        0,
      ),
    );
    expect(extended.name).toBe('kept');
    expect(Date.parse(extended.expiresAt)).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect(expectExit('exec kept', await run(['exec', 'kept', '--', 'echo', 'alive']), 0).stdout).toBe(
      'alive\n',
    );
  });

  it('gc --dry-run lists a deleted record, an expired TTL and a vanished sandbox, and removes nothing', async () => {
    const orphanId = await idOf('orphan');
    const vanishedId = await idOf('vanished');
    await rm(recordFile('orphan'));
    await expire('old');
    const killed = await fetch(`${env().E2B_API_URL}/sandboxes/${vanishedId}`, {
      method: 'DELETE',
      headers: { 'X-API-KEY': env().E2B_API_KEY },
    });
    expect(killed.status).toBeLessThan(300);

    const dry = json<{ dryRun: boolean; leftovers: GcEntry[] }>(
      expectExit('sandbox gc --dry-run --json', await run(['sandbox', 'gc', '--dry-run', '--json']), 0),
    );
    expect(dry.dryRun).toBe(true);
    const shown = dry.leftovers.map(({ kind, backend, name, id, outcome }) => ({
      kind,
      backend,
      name,
      id,
      outcome,
    }));
    expect(shown).toEqual(
      expect.arrayContaining([
        { kind: 'untracked', backend: 'e2b', name: 'orphan', id: orphanId, outcome: 'would remove' },
        { kind: 'expired', backend: 'e2b', name: 'old', id: await idOf('old'), outcome: 'would remove' },
        { kind: 'gone', backend: 'e2b', name: 'vanished', id: vanishedId, outcome: 'would remove' },
      ]),
    );
    expect(shown).toHaveLength(3);
    expect(await e2bSandboxNames(env())).toEqual(['kept', 'old', 'orphan', 'theirs']);

    const doctor = json<{ checks: Finding[] }>(await run(['doctor', '--json']));
    const leftovers = doctor.checks.find((finding) => finding.check === 'leftovers');
    // Offline, doctor reads state only: the expired one. The others need the provider.
    expect(leftovers).toMatchObject({ status: 'warn' });
    expect(leftovers?.detail).toMatch(/^1 left behind \(1 expired\)/);
    const online = json<{ checks: Finding[] }>(await run(['doctor', '--online', '--json']));
    expect(online.checks.find((finding) => finding.check === 'leftovers')?.detail).toBe(
      '3 left behind (1 expired, 1 with no record here, 1 recorded but gone); remove with: agentkernel sandbox gc',
    );
  });

  it('gc removes them, and leaves the sandbox of the other state and the live one alone', async () => {
    const result = json<{ leftovers: GcEntry[] }>(
      expectExit('sandbox gc -B e2b --json', await run(['sandbox', 'gc', '-B', 'e2b', '--json']), 0),
    );
    expect(result.leftovers.map((entry) => [entry.name, entry.outcome]).sort()).toEqual([
      ['old', 'removed'],
      ['orphan', 'removed'],
      ['vanished', 'removed'],
    ]);
    expect(await e2bSandboxNames(env())).toEqual(['kept', 'theirs']);
    const listed = json<{ name: string }[]>(
      expectExit('sandbox list', await run(['sandbox', 'list', '--json']), 0),
    );
    expect(listed.map((view) => view.name)).toEqual(['kept']);
    const again = expectExit('sandbox gc', await run(['sandbox', 'gc']), 0);
    expect(again.stderr).toContain('nothing left behind');
    const other = json<{ leftovers: GcEntry[] }>(
      expectExit(
        'gc of the other state',
        await run(['sandbox', 'gc', '--dry-run', '--json'], otherHome.path),
        0,
      ),
    );
    expect(other.leftovers).toEqual([]);
  });

  it('gc -B names a backend that exists', async () => {
    const result = await run(['sandbox', 'gc', '-B', 'nosuch']);
    expectExit('gc -B nosuch', result, 2);
    expect(result.stderr).toContain('no backend plugin "nosuch"');
  });
});
