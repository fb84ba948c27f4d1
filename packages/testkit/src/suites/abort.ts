import { describe, expect } from 'vitest';
import type { SandboxHandle } from '@agentkernel/core';
import { readAll } from '../bytes.js';
import { rejection, sleep, text, type Harness } from '../harness.js';

const MARKER_VAR = 'AK_TESTKIT_ABORT';
/** How long the processes of an aborted command may take to vanish (a kill is not instant). */
const SETTLE_MS = 10_000;

// Processes are found by an environment variable that every process of the command inherits (the
// wrapper's helpers included), read from /proc: no `ps` needed, and the lister itself lacks it.
const LIST_MARKED = [
  'for f in /proc/[0-9]*/environ; do',
  `  if tr '\\000' '\\n' <"$f" 2>/dev/null | grep -qx "${MARKER_VAR}=$1"; then`,
  `    d=\${f%/environ}; printf '%s %s\\n' "\${d#/proc/}" "$(tr '\\000' ' ' <"$d/cmdline" 2>/dev/null)";`,
  '  fi',
  'done',
].join('\n');

async function marked(sandbox: SandboxHandle, marker: string): Promise<string[]> {
  const result = await sandbox.exec(['sh', '-c', LIST_MARKED, 'sh', marker], { cwd: '/' });
  expect(result.exitCode, text(result.stderr)).toBe(0);
  return text(result.stdout)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** Polls until `check` holds or the deadline passes; returns the last value seen. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

export function abortTests(h: Harness): void {
  describe('abort', () => {
    h.test(
      'exec-abort-group',
      'an abort kills every process the command started, leaves no temporary file, and snapshots still work',
      async () => {
        const sandbox = await h.create();
        const marker = `tk-${h.runId}-abort`;
        // The wrapper's temporary files go under TMPDIR; inside the workspace, a left-over FIFO would
        // also break the snapshot taken below.
        const tmp = `${h.workspaceDir}/abort-tmp`;
        await sandbox.mkdir(tmp);
        const controller = new AbortController();
        const running = sandbox.exec(['sh', '-c', 'sleep 1000 & sleep 1000'], {
          env: { [MARKER_VAR]: marker, TMPDIR: tmp },
          signal: controller.signal,
        });
        running.catch(() => undefined);
        const before = await until(
          () => marked(sandbox, marker),
          (lines) => lines.filter((line) => /^\d+ sleep 1000 $/.test(line)).length >= 2,
          SETTLE_MS,
        );
        expect(
          before.filter((line) => /^\d+ sleep 1000 $/.test(line)),
          `both sleeps run: ${before.join('; ')}`,
        ).toHaveLength(2);
        controller.abort(new Error('testkit abort'));
        expect(String(await rejection(running))).toContain('testkit abort');
        const after = await until(
          () => marked(sandbox, marker),
          (lines) => lines.length === 0,
          SETTLE_MS,
        );
        expect(after, 'processes of the aborted command still running').toEqual([]);
        const left = await sandbox.exec(['ls', '-A', tmp]);
        expect(text(left.stdout), `left in ${tmp}`).toBe('');
        await readAll(await sandbox.getArchive(h.workspaceDir));
        if (h.backend.plugin.capabilities.nativeSnapshots) {
          const snapshot = await sandbox.snapshot!(`tk-${h.runId}-after-abort`);
          await h.backend.deleteSnapshot?.(snapshot);
        }
      },
    );
  });
}
