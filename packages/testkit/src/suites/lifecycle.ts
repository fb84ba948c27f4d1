import { describe, expect } from 'vitest';
import type { SandboxHandle } from '@agentkernel/core';
import { hasCode, rejection, text, type Harness } from '../harness.js';

export function lifecycleTests(h: Harness): void {
  describe('lifecycle', () => {
    let sandbox: SandboxHandle | undefined;
    const lifecycleSandbox = async (): Promise<SandboxHandle> => (sandbox ??= await h.create());

    h.test('lifecycle', 'create, stop, start and destroy, keeping files across stop', async (context) => {
      const handle = await lifecycleSandbox();
      expect(await handle.status()).toBe('running');
      const ws = await handle.exec(['sh', '-c', 'test -d "$PWD" && pwd']);
      expect(text(ws.stdout).trim()).toBe(h.workspaceDir);
      await handle.writeFile('kept.txt', Buffer.from('kept across stop'));
      if (!h.backend.plugin.capabilities.pauseResume) {
        console.info(
          `[testkit] skipped the stop/start part of lifecycle: backend ${h.backend.plugin.name} does not declare pauseResume`,
        );
        context.skip('no pauseResume');
      }
      await handle.stop();
      expect(await handle.status()).toBe('stopped');
      await handle.stop();
      await handle.start();
      expect(await handle.status()).toBe('running');
      await handle.start();
      expect(text(await handle.readFile('kept.txt'))).toBe('kept across stop');
      expect((await handle.exec(['true'])).exitCode).toBe(0);
    });

    h.test('destroy-twice', 'destroy makes the sandbox gone, and destroying again succeeds', async () => {
      const handle = await lifecycleSandbox();
      await handle.destroy();
      expect(await handle.status()).toBe('gone');
      await handle.destroy();
      const again = await h.backend.reconnect(handle.ref);
      expect(await again.status()).toBe('gone');
      await again.destroy();
    });

    h.test(
      'gone-errors',
      'every operation on a destroyed sandbox rejects with SandboxGoneError',
      async () => {
        const handle = await lifecycleSandbox();
        await handle.destroy();
        const calls: [string, () => Promise<unknown>][] = [
          ['exec', () => handle.exec(['true'])],
          ['readFile', () => handle.readFile('kept.txt')],
          ['writeFile', () => handle.writeFile('x.txt', Buffer.from('x'))],
          ['removeFile', () => handle.removeFile('x.txt')],
          ['mkdir', () => handle.mkdir('d')],
          ['getArchive', () => handle.getArchive(h.workspaceDir)],
          ['stop', () => handle.stop()],
          ['start', () => handle.start()],
        ];
        for (const [name, call] of calls) {
          const error = await rejection(call());
          expect(hasCode(error, 'SANDBOX_GONE'), `${name} after destroy: ${String(error)}`).toBe(true);
        }
      },
    );
  });
}
