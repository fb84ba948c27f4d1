import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeE2B, type FakeE2B } from '@agentkernel/backend-e2b/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentkernel,
  CLI_BIN,
  cliResult,
  expectExit,
  REPO_ROOT,
  tempDir,
  type CliResult,
} from './helpers.js';

/**
 * Runs `agentkernel ...args` and sends it SIGINT (Ctrl-C) once `ready` says what it printed so far
 * (stdout plus stderr) shows it got to the point to interrupt.
 */
function interrupted(
  args: readonly string[],
  options: { home: string; cwd: string; env: Record<string, string> },
  ready: (output: string) => boolean,
): Promise<CliResult & { readonly interrupted: boolean }> {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', AGENTKERNEL_HOME: options.home, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let sent = false;
  const check = (): void => {
    if (sent || !ready(Buffer.concat([...out, ...err]).toString('utf8'))) return;
    sent = true;
    child.kill('SIGINT');
  };
  child.stdout.on('data', (chunk: Buffer) => (out.push(chunk), check()));
  child.stderr.on('data', (chunk: Buffer) => (err.push(chunk), check()));
  // `ready` may also look elsewhere (at the fake), so it is asked again while nothing is printed.
  const poll = setInterval(check, 50);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ ...cliResult(code, signal, out, err), interrupted: sent });
    });
  });
}

// Lists the processes carrying the marker in their environment (every process of the command does).
const LIST_MARKED =
  'for f in /proc/[0-9]*/environ; do if tr "\\000" "\\n" <"$f" 2>/dev/null | grep -qx "AK_E2E_MARK=$1"; then echo "${f%/environ}"; fi; done';

describe('Ctrl-C on the built CLI, against the offline E2B fake', () => {
  let fake: FakeE2B;
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  const options = () => ({ home: home.path, cwd: project.path, env: { ...fake.env } });
  const run = (...args: string[]) => agentkernel(args, options());

  beforeAll(async () => {
    fake = await startFakeE2B();
    home = await tempDir('interrupt-home');
    project = await tempDir('interrupt-project');
    await writeFile(join(project.path, 'package.json'), '{ "name": "interrupt-project", "private": true }\n');
    await writeFile(
      join(project.path, 'agentkernel.toml'),
      `[security]\nmount_cwd = true\n\n[plugins]\npaths = [${JSON.stringify(join(REPO_ROOT, 'plugins', 'e2b'))}]\n`,
    );
    await writeFile(join(project.path, 'notes.txt'), 'from the project\n');
  }, 30_000);

  afterAll(async () => {
    await run('sandbox', 'remove', 'i', '--force');
    await fake.close();
    await home.cleanup();
    await project.cleanup();
  }, 60_000);

  it('during a synced exec: kills the command with its children, says the pull was skipped, snapshots work', async () => {
    expectExit('sandbox create i', await run('sandbox', 'create', 'i', '-B', 'e2b'), 0);
    const marker = `mark-${Date.now()}`;
    // The exec wrapper's FIFOs go under TMPDIR: in the workspace, a left-over one is in the snapshot.
    const tmp = '/workspace/ak-tmp';
    expectExit('mkdir', await run('exec', 'i', '--no-sync', '--', 'mkdir', tmp), 0);
    const result = await interrupted(
      [
        'exec',
        'i',
        '-e',
        `AK_E2E_MARK=${marker}`,
        '-e',
        `TMPDIR=${tmp}`,
        '--',
        'sh',
        '-c',
        'echo started; sleep 1000 & sleep 1000',
      ],
      options(),
      (output) => {
        if (!output.includes('started')) return false;
        // The kill is a second command: held back a while by the fake, it only happens if the CLI waits
        // for it before exiting (a client gone before its request was handled is not served).
        fake.injectFault({ kind: 'latency', match: '/process.Process/Start', delayMs: 1500 });
        return true;
      },
    );
    expect(result.interrupted, result.stderr).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('the workspace was not pulled back');
    expect(result.stderr).toContain('agentkernel sync pull i');
    // The CLI has exited: whatever it had to do in the sandbox is done by now.
    const left = expectExit(
      'list marked processes',
      await run('exec', 'i', '--no-sync', '--', 'sh', '-c', LIST_MARKED, 'sh', marker),
      0,
    );
    expect(left.stdout, 'processes of the interrupted command').toBe('');
    const files = expectExit('ls -A', await run('exec', 'i', '--no-sync', '--', 'ls', '-A', tmp), 0);
    expect(files.stdout, `left in ${tmp}`).toBe('');
    expectExit('snapshot take i', await run('snapshot', 'take', 'i'), 0);
  });

  it('during sandbox create: leaves no sandbox at the fake and no record', async () => {
    fake.injectFault({ kind: 'latency', match: 'POST /v2/sandboxes', delayMs: 3000 });
    const before = fake.sandboxes().length;
    const creates = () =>
      fake.requests().filter((entry) => entry.method === 'POST' && entry.path === '/v2/sandboxes').length;
    const earlier = creates();
    // Interrupted once the create request reached the fake (which then holds it for 3 s).
    const result = await interrupted(
      ['sandbox', 'create', 'c', '-B', 'e2b'],
      options(),
      () => creates() > earlier,
    );
    expect(result.interrupted, result.stderr).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(existsSync(join(home.path, 'sandboxes', 'c.json'))).toBe(false);
    expect(fake.sandboxes().length, result.stderr).toBe(before);
    // The fake held the create 3 s: once that passed, it must not have made the sandbox either.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(fake.sandboxes().length, 'after the delayed create was handled').toBe(before);
  });
});
