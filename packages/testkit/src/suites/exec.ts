import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { AgentkernelError } from '@agentkernel/core';
import { ALL_BYTES } from '../bytes.js';
import { hasCode, rejection, sleep, text, type Harness } from '../harness.js';

export function execTests(h: Harness): void {
  describe('exec', () => {
    h.test('exec-exit-codes', 'reports 0, 1, 137 (killed) and 127 (no such program) as results', async () => {
      const sandbox = h.shared;
      expect((await sandbox.exec(['true'])).exitCode).toBe(0);
      expect((await sandbox.exec(['sh', '-c', 'exit 1'])).exitCode).toBe(1);
      expect((await sandbox.exec(['sh', '-c', 'exit 42'])).exitCode).toBe(42);
      expect((await sandbox.exec(['sh', '-c', 'kill -9 $$'])).exitCode).toBe(137);
      expect((await sandbox.exec(['agentkernel-testkit-no-such-program'])).exitCode).toBe(127);
    });

    h.test('exec-stdout-stderr', 'keeps stdout and stderr apart', async () => {
      const result = await h.shared.exec(['sh', '-c', 'echo to-out; echo to-err >&2; echo more-out']);
      expect(text(result.stdout)).toBe('to-out\nmore-out\n');
      expect(text(result.stderr)).toBe('to-err\n');
      expect(result.timedOut).toBe(false);
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });

    h.test('exec-env', "merges the command's env over the sandbox's", async () => {
      const script = 'printf "%s|%s|%s" "$AK_TESTKIT" "$AK_ONE" "$AK_SPACES"';
      const result = await h.shared.exec(['sh', '-c', script], { env: { AK_ONE: '1', AK_SPACES: 'a b  c' } });
      expect(text(result.stdout)).toBe('spec|1|a b  c');
      const overridden = await h.shared.exec(['sh', '-c', 'printf %s "$AK_TESTKIT"'], {
        env: { AK_TESTKIT: 'exec' },
      });
      expect(text(overridden.stdout)).toBe('exec');
    });

    h.test('exec-cwd', 'runs in the workspace by default and resolves a relative cwd under it', async () => {
      const sandbox = h.shared;
      await sandbox.mkdir('cwd test/inner');
      expect(text((await sandbox.exec(['pwd'])).stdout)).toBe(`${h.workspaceDir}\n`);
      expect(text((await sandbox.exec(['pwd'], { cwd: 'cwd test/inner' })).stdout)).toBe(
        `${h.workspaceDir}/cwd test/inner\n`,
      );
      expect(text((await sandbox.exec(['pwd'], { cwd: `${h.workspaceDir}/cwd test` })).stdout)).toBe(
        `${h.workspaceDir}/cwd test\n`,
      );
    });

    h.test(
      'exec-stdin',
      'feeds stdin byte for byte and closes it; without stdin the input is empty',
      async () => {
        const echoed = await h.shared.exec(['cat'], { stdin: ALL_BYTES });
        expect(echoed.stdout.equals(ALL_BYTES)).toBe(true);
        const empty = await h.shared.exec(['sh', '-c', 'cat; echo done'], { timeoutMs: 20_000 });
        expect(text(empty.stdout)).toBe('done\n');
      },
    );

    h.test('exec-binary-output', 'returns binary output bytes exactly', async () => {
      await h.shared.writeFile('all-bytes.bin', ALL_BYTES);
      const result = await h.shared.exec(['cat', 'all-bytes.bin']);
      expect(result.stdout.equals(ALL_BYTES)).toBe(true);
    });

    h.test('exec-large-output', 'returns 10 MB of output intact', async () => {
      const size = 10 * 1024 * 1024;
      const result = await h.shared.exec(['sh', '-c', `yes 0123456789abcde | head -c ${size}`]);
      expect(result.stdout.length).toBe(size);
      expect(result.stdout.equals(Buffer.from('0123456789abcde\n'.repeat(size / 16)))).toBe(true);
    });

    h.test('exec-timeout', 'a timeout kills the command and the processes it started', async () => {
      const marker = `timeout-marker-${h.runId}`;
      const script = `(sleep 1; echo late > ${marker}) & sleep 30; echo finished`;
      const result = await h.shared.exec(['sh', '-c', script], { timeoutMs: 500 });
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).toBe(137);
      expect(text(result.stdout)).toBe('');
      expect(result.durationMs).toBeLessThan(10_000);
      await sleep(1500);
      const error = await rejection(h.shared.readFile(marker));
      expect(
        AgentkernelError.isInstance(error) && error.exitCode,
        `the child wrote ${marker} after the timeout`,
      ).toBe(5);
    });

    h.test('exec-abort', 'an abort kills the command and rejects with the reason', async () => {
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(new Error('testkit abort')), 300);
      const error = await rejection(h.shared.exec(['sleep', '30'], { signal: controller.signal }));
      expect(String(error)).toContain('testkit abort');
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    h.test(
      'exec-streaming',
      'delivers output to onStdout/onStderr (while it runs, with streamingExec)',
      async () => {
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let firstAt: number | undefined;
        const started = Date.now();
        const result = await h.shared.exec(['sh', '-c', 'echo first; echo oops >&2; sleep 1; echo second'], {
          onStdout: (chunk) => {
            firstAt ??= Date.now() - started;
            out.push(Buffer.from(chunk));
          },
          onStderr: (chunk) => err.push(Buffer.from(chunk)),
        });
        expect(text(Buffer.concat(out))).toBe('first\nsecond\n');
        expect(text(Buffer.concat(err))).toBe('oops\n');
        // A stream given a handler is not kept as well, so any output size fits in memory.
        expect(result.stdout.length + result.stderr.length).toBe(0);
        if (h.backend.plugin.capabilities.streamingExec)
          expect(firstAt).toBeLessThan(Date.now() - started - 500);
      },
    );

    h.test(
      'exec-backpressure',
      'waits for handlers that return a promise and delivers every byte, even after the command exits',
      async () => {
        const size = 2 * 1024 * 1024;
        const script = `head -c ${size} /dev/urandom > bp.bin; cat bp.bin; cat bp.bin >&2; sha256sum bp.bin >&2`;
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        const slow = (into: Buffer[]) => async (chunk: Uint8Array) => {
          into.push(Buffer.from(chunk));
          await sleep(into.length % 8 === 0 ? 5 : 0);
        };
        const result = await h.shared.exec(['sh', '-c', script], {
          onStdout: slow(out),
          onStderr: slow(err),
        });
        expect(result.exitCode).toBe(0);
        const stdout = Buffer.concat(out);
        const stderr = Buffer.concat(err);
        expect(stdout.length).toBe(size);
        expect(stderr.subarray(0, size).equals(stdout)).toBe(true);
        expect(text(stderr.subarray(size))).toBe(
          `${createHash('sha256').update(stdout).digest('hex')}  bp.bin\n`,
        );
      },
    );

    h.test(
      'exec-gone-code',
      'rejects a destroyed sandbox with a typed error even from a stale handle',
      async () => {
        const sandbox = await h.create();
        const stale = await h.backend.reconnect(sandbox.ref);
        await sandbox.destroy();
        expect(hasCode(await rejection(stale.exec(['true'])), 'SANDBOX_GONE')).toBe(true);
      },
    );
  });
}
