// Issue 9 item 1: every byte a command prints reaches our stdout and stderr, however slowly they are
// read, and the CLI exits only after both have drained (DESIGN section 9).
import { createHash } from 'node:crypto';
import { startFakeE2B, type FakeE2B } from '@agentkernel/backend-e2b/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, REPO_ROOT, tempDir, type CliResult } from './helpers.js';

// About 5 MB on each stream, with a line that differs from all others, so loss anywhere shows.
const LINES = 730_000;
const SCRIPT = `seq 1 ${LINES}; seq 1 ${LINES} >&2; echo end >&2`;
const expected = Array.from({ length: LINES }, (_, index) => `${index + 1}\n`).join('');
const digest = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

// Pipes hold 64 KiB: starting 1.5 s late and then taking one chunk per 3 ms keeps the CLI waiting.
const SLOW = { startAfterMs: 1500, pauseMs: 3 } as const;

function expectEveryByte(result: CliResult): void {
  const where = `exit ${String(result.code)}, stdout ${result.stdoutBytes.length} B, stderr ${result.stderrBytes.length} B`;
  expect(result.code, where).toBe(0);
  expect(result.stdoutBytes.length, where).toBe(expected.length);
  expect(digest(result.stdoutBytes), where).toBe(digest(expected));
  expect(digest(result.stderrBytes), where).toBe(digest(`${expected}end\n`));
}

describe('command output through a slow reader', () => {
  let fake: FakeE2B;
  let home: Awaited<ReturnType<typeof tempDir>>;
  const cli = (args: readonly string[]) =>
    agentkernel(args, { home: home.path, cwd: REPO_ROOT, env: { ...fake.env }, slowReader: SLOW });

  beforeAll(async () => {
    fake = await startFakeE2B();
    home = await tempDir('output');
    for (const backend of ['local', 'e2b']) {
      const created = await agentkernel(['sandbox', 'create', `out-${backend}`, '-B', backend], {
        home: home.path,
        cwd: REPO_ROOT,
        env: { ...fake.env },
      });
      expect(created.code, created.stderr).toBe(0);
    }
  }, 60_000);
  afterAll(async () => {
    for (const backend of ['local', 'e2b'])
      await agentkernel(['sandbox', 'remove', `out-${backend}`, '--force'], {
        home: home.path,
        cwd: REPO_ROOT,
        env: { ...fake.env },
      });
    await fake.close();
    await home.cleanup();
  });

  for (const backend of ['local', 'e2b']) {
    it(`exec on ${backend}: 5 MB on stdout and on stderr, byte for byte`, async () => {
      expectEveryByte(await cli(['exec', `out-${backend}`, '--no-sync', '--', 'sh', '-c', SCRIPT]));
    });

    it(`run on ${backend}: 5 MB on stdout and on stderr, byte for byte`, async () => {
      expectEveryByte(await cli(['run', '-B', backend, '--no-sync', '--', 'sh', '-c', SCRIPT]));
    });
  }

  it('a reader that goes away ends the command with 141, as SIGPIPE would', async () => {
    const result = await agentkernel(
      ['exec', 'out-local', '--no-sync', '--', 'sh', '-c', 'yes | head -c 50000000'],
      {
        home: home.path,
        cwd: REPO_ROOT,
        env: { ...fake.env },
        closeStdoutAfterBytes: 100_000,
      },
    );
    expect(result.code, result.stderr).toBe(141);
    expect(result.stderr).toBe('');
  });
});
