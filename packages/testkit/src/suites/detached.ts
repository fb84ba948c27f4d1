import { describe, expect } from 'vitest';
import { detachedStates, killDetached, readDetachedLog, startDetached } from '@agentkernel/core';
import type { Harness } from '../harness.js';

async function logOf(
  h: Harness,
  entry: Parameters<typeof readDetachedLog>[1],
  stream: 'stdout' | 'stderr',
  follow: boolean,
) {
  const chunks: Buffer[] = [];
  await readDetachedLog(h.shared, entry, {
    stream,
    follow,
    onOutput: (chunk) => void chunks.push(Buffer.from(chunk)),
  });
  return Buffer.concat(chunks).toString('utf8');
}

/** Core's detached commands over the backend's exec: they need `backgroundProcesses`. */
export function detachedTests(h: Harness): void {
  describe('detached commands', () => {
    h.test(
      'detached-follow',
      'a detached command outlives its exec; following its log ends with it; its exit code is kept',
      async () => {
        const entry = await startDetached(h.shared, [
          'sh',
          '-c',
          'echo out; echo err >&2; sleep 1; printf "%s|" "$@"; exit 3',
          'sh',
          'a b',
          "it's",
          '$(touch /tmp/ak-injected)',
        ]);
        expect(entry.id).toMatch(/^[0-9a-f]{8}$/);
        expect(await logOf(h, entry, 'stdout', true)).toBe("out\na b|it's|$(touch /tmp/ak-injected)|");
        expect(await logOf(h, entry, 'stderr', false)).toBe('err\n');
        expect((await detachedStates(h.shared, [entry])).get(entry.id)).toEqual({
          state: 'exited',
          exitCode: 3,
        });
        const injected = await h.shared.exec(['test', '-e', '/tmp/ak-injected']);
        expect(injected.exitCode).toBe(1);
      },
      'backgroundProcesses',
    );

    h.test(
      'detached-kill',
      'killing a detached command ends it and every process it started, and records 137',
      async () => {
        const entry = await startDetached(h.shared, ['sh', '-c', 'sleep 300 & echo $!; wait']);
        let child = '';
        while (child === '') child = (await logOf(h, entry, 'stdout', false)).trim();
        expect((await detachedStates(h.shared, [entry])).get(entry.id)).toEqual({ state: 'running' });
        const killed = await killDetached(h.shared, entry);
        expect(killed).toEqual({ killed: true, state: { state: 'exited', exitCode: 137 } });
        const alive = await h.shared.exec(['sh', '-c', 'kill -0 "$1" 2>/dev/null', 'sh', child]);
        expect(alive.exitCode, `the child ${child} must be gone`).not.toBe(0);
        expect(await killDetached(h.shared, entry)).toEqual({
          killed: false,
          state: { state: 'exited', exitCode: 137 },
        });
      },
      'backgroundProcesses',
    );
  });
}
