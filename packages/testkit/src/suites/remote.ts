import { describe, expect } from 'vitest';
import { AgentkernelError } from '@agentkernel/core';
import { rejection, sleep, text, type Harness } from '../harness.js';

type FetchEndpoint = NonNullable<Harness['options']['fetchEndpoint']>;

/** Fetches `url` until it answers 2xx; a server that is still starting answers errors or nothing. */
async function fetchText(fetchEndpoint: FetchEndpoint, url: string, deadline: number): Promise<string> {
  let last = 'no answer yet';
  for (;;) {
    try {
      const response = await fetchEndpoint(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return await response.text();
      last = `HTTP ${response.status} ${await response.text()}`;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 2xx in time (last answer: ${last})`);
    await sleep(200);
  }
}

export function remoteTests(h: Harness): void {
  describe('reaching the sandbox', () => {
    h.test(
      'endpoints',
      'a server started inside is reachable at its endpoint URL',
      async (context) => {
        const port = 20_000 + Math.floor(Math.random() * 20_000);
        const sandbox = await h.create({ network: true, ports: [port] });
        const found = text(
          (await sandbox.exec(['sh', '-c', 'command -v python3 || command -v busybox || true'])).stdout,
        ).trim();
        if (found === '') {
          console.info(
            `[testkit] skipped endpoints: neither python3 nor busybox is in the sandbox image of ${h.options.name}`,
          );
          context.skip('no http server program in the sandbox');
        }
        const argv = found.endsWith('python3')
          ? ['python3', '-m', 'http.server', String(port), '--bind', '0.0.0.0']
          : ['busybox', 'httpd', '-f', '-p', String(port), '-h', '.'];
        await sandbox.writeFile('site/index.html', Buffer.from(`hello from ${h.runId}`));
        const controller = new AbortController();
        const serving = sandbox
          .exec(argv, { cwd: 'site', signal: controller.signal })
          .catch((error: unknown) => error);
        try {
          const endpoints = await sandbox.endpoints!([port]);
          expect(endpoints).toHaveLength(1);
          expect(endpoints[0]?.port).toBe(port);
          // The URL exactly as returned: both servers answer `/` with index.html.
          const fetchEndpoint =
            h.options.fetchEndpoint ?? ((url: string, init?: RequestInit) => fetch(url, init));
          const body = await fetchText(fetchEndpoint, endpoints[0]!.url, Date.now() + 20_000);
          expect(body).toBe(`hello from ${h.runId}`);
        } finally {
          controller.abort(new Error('testkit: server no longer needed'));
          await serving;
        }
      },
      'ports',
    );

    h.test('reconnect', 'a new backend object reconnects from the stored ref', async () => {
      await h.shared.writeFile('reconnect.txt', Buffer.from('still here'));
      const ref = JSON.parse(JSON.stringify(h.shared.ref)) as typeof h.shared.ref;
      const other = await h.options.open();
      try {
        const again = await other.reconnect(ref);
        expect(again.ref.id).toBe(ref.id);
        expect(await again.status()).toBe('running');
        expect(text(await again.readFile('reconnect.txt'))).toBe('still here');
        expect(text((await again.exec(['cat', 'reconnect.txt'])).stdout)).toBe('still here');
      } finally {
        await other.close?.();
      }
    });

    h.test(
      'list',
      'list finds the sandboxes it created, filtered by labels',
      async () => {
        const all = await h.backend.list!({ labels: { 'agentkernel-testkit': h.runId } });
        const mine = all.find((summary) => summary.ref.id === h.shared.ref.id);
        expect(mine?.status).toBe('running');
        expect(mine?.ref.backend).toBe(h.backend.plugin.name);
        const none = await h.backend.list!({ labels: { 'agentkernel-testkit': `${h.runId}-other` } });
        expect(none.some((summary) => summary.ref.id === h.shared.ref.id)).toBe(false);
      },
      'list',
    );

    h.test(
      'pty',
      'shell runs a program attached to the terminal and returns its exit code',
      async () => {
        expect(await h.shared.shell!({ argv: ['sh', '-c', 'exit 3'] })).toBe(3);
      },
      'pty',
    );

    h.test(
      'native-snapshots',
      'a native snapshot restores into a new sandbox, and deleting it works',
      async () => {
        const source = await h.create();
        await source.writeFile('snap/file.txt', Buffer.from('at snapshot time'));
        await source.writeFile('snap/tool.sh', Buffer.from('#!/bin/sh\necho tool\n'), { mode: 0o755 });
        const snapshot = await source.snapshot!(`tk-${h.runId}-snap`);
        expect(snapshot.backend).toBe(h.backend.plugin.name);
        expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
        await source.writeFile('snap/file.txt', Buffer.from('changed later'));
        const restored = await h.create({ fromSnapshot: snapshot });
        expect(text(await restored.readFile('snap/file.txt'))).toBe('at snapshot time');
        expect(text((await restored.exec(['./snap/tool.sh'])).stdout)).toBe('tool\n');
        await h.backend.deleteSnapshot!(snapshot);
        const error = await rejection(h.create({ fromSnapshot: snapshot }));
        expect(AgentkernelError.isInstance(error), String(error)).toBe(true);
      },
      'nativeSnapshots',
    );
  });
}
