// `doctor --online` against every provider's offline fake, each run by its own serve.js: a right key is
// accepted, a wrong key is reported as rejected (by the credential's name, never its value), and a closed
// port as unreachable; without --online no provider is called and doctor says what it skipped.
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
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
} from './helpers.js';

interface Finding {
  readonly status: string;
  readonly check: string;
  readonly detail: string;
}

/** Each provider: its fake's URL variable, and a wrong value for each secret it reads, shaped like a real one. */
const PROVIDERS = {
  e2b: { url: 'E2B_API_URL', wrong: { E2B_API_KEY: 'e2b_0000000000000000000000000000000000000bad' } },
  daytona: {
    url: 'DAYTONA_API_URL',
    wrong: { DAYTONA_API_KEY: 'dtn_000000000000000000000000000000000000bad' },
  },
  modal: { url: 'MODAL_SERVER_URL', wrong: { MODAL_TOKEN_SECRET: 'as-00000000000000000000000000bad' } },
  runloop: {
    url: 'RUNLOOP_BASE_URL',
    wrong: { RUNLOOP_API_KEY: 'ak_fake_000000000000000000000000000000bad' },
  },
} as const;
type Provider = keyof typeof PROVIDERS;
const NAMES = Object.keys(PROVIDERS) as Provider[];

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('doctor --online against the offline fakes', () => {
  const serves: { child: ChildProcess; env: Record<string, string> }[] = [];
  let env: Record<string, string> = {};
  let home: Awaited<ReturnType<typeof tempDir>>;
  // From the repository root, discovery finds every workspace plugin.
  const doctor = (args: readonly string[], overrides: Record<string, string> = {}): Promise<CliResult> =>
    agentkernel(['doctor', ...args], { home: home.path, cwd: REPO_ROOT, env: { ...env, ...overrides } });
  const online = (report: { checks: Finding[] }, name: string) =>
    report.checks.find((finding) => finding.check === `online ${name}`);

  beforeAll(async () => {
    home = await tempDir('doctor-online');
    for (const name of NAMES) {
      const serve = await startServe<Record<string, string>>(
        join(REPO_ROOT, 'plugins', name, 'dist', 'testing', 'serve.js'),
      );
      serves.push(serve);
      env = { ...env, ...serve.env };
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(serves.map((serve) => stopServe(serve.child)));
    await home.cleanup();
  });

  it('without --online calls no provider and says which checks it skipped', async () => {
    const port = await closedPort();
    const unreachable = Object.fromEntries(
      NAMES.map((name) => [PROVIDERS[name].url, `http://127.0.0.1:${port}`]),
    );
    const result = expectExit('doctor', await doctor(['--json'], unreachable), 0);
    const report = json<{ checks: Finding[] }>(result);
    expect(report.checks.filter((finding) => finding.check.startsWith('online'))).toEqual([
      {
        status: 'skip',
        check: 'online',
        detail: 'skipped: provider credentials and reachability (run doctor --online)',
      },
    ]);
    const table = expectExit('doctor table', await doctor([], unreachable), 0);
    expect(table.stdout).toMatch(/^skip {4}online .*skipped: provider credentials and reachability/m);
  });

  it('with the right keys every provider is reachable and accepts them', async () => {
    const result = expectExit('doctor --online', await doctor(['--online', '--json']), 0);
    const report = json<{ ok: boolean; checks: Finding[] }>(result);
    expect(report.ok).toBe(true);
    for (const name of NAMES)
      expect(online(report, name), name).toMatchObject({
        status: 'ok',
        detail: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+(\/api)? reachable, credentials accepted/),
      });
    // The stub has no live adapter and local no credentials: neither is called.
    expect(online(report, 'agentcomputer')).toBeUndefined();
    expect(online(report, 'local')).toBeUndefined();
  });

  it('a wrong key is reported as rejected, by name, and its value never appears', async () => {
    const wrong = Object.assign({}, ...NAMES.map((name) => PROVIDERS[name].wrong)) as Record<string, string>;
    const result = expectExit('doctor --online', await doctor(['--online', '--json'], wrong), 3);
    const report = json<{ ok: boolean; checks: Finding[] }>(result);
    expect(report.ok).toBe(false);
    for (const name of NAMES) {
      const finding = online(report, name);
      expect(finding, name).toMatchObject({ status: 'fail' });
      expect(finding?.detail).toMatch(
        new RegExp(`^${name} rejected the credentials: .*\\(env:[A-Z0-9_]+\\)`),
      );
      for (const variable of Object.keys(PROVIDERS[name].wrong)) expect(finding?.detail).toContain(variable);
    }
    for (const value of [...Object.values(wrong), ...Object.values(env)])
      if (!value.startsWith('http')) expect(result.stdout + result.stderr).not.toContain(value);
  });

  it('a closed port is reported as unreachable, naming the URL', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const closed = Object.fromEntries(NAMES.map((name) => [PROVIDERS[name].url, url]));
    const result = expectExit('doctor --online', await doctor(['--online', '--json'], closed), 3);
    const report = json<{ checks: Finding[] }>(result);
    for (const name of NAMES)
      expect(online(report, name), name).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining(`${url} unreachable: `),
      });
    const table = expectExit('doctor --online table', await doctor(['--online'], closed), 3);
    expect(table.stdout).toMatch(new RegExp(`^fail {4}online e2b +${url} unreachable`, 'm'));
    for (const value of Object.values(env))
      if (!value.startsWith('http')) expect(table.stdout + table.stderr).not.toContain(value);
  });
});
