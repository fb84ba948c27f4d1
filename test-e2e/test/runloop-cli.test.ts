import { expect } from 'vitest';
import { describeProviderCli } from './provider-cli.js';

interface FakeEnv extends Record<string, string> {
  readonly RUNLOOP_BASE_URL: string;
  readonly RUNLOOP_API_KEY: string;
  readonly RUNLOOP_TUNNEL_DOMAIN: string;
}

describeProviderCli<FakeEnv>({
  backend: 'runloop',
  title: 'Runloop',
  sandbox: 'devbox',
  keyVar: 'RUNLOOP_API_KEY',
  keyPrefix: 'ak_wrong_',
  // The fake's own REST API: devboxes not shut down (Runloop keeps the records of shut-down ones).
  sandboxNames: async ({ RUNLOOP_BASE_URL, RUNLOOP_API_KEY }) => {
    const response = await fetch(`${RUNLOOP_BASE_URL}/v1/devboxes?limit=100`, {
      headers: { authorization: `Bearer ${RUNLOOP_API_KEY}` },
    });
    expect(response.status).toBe(200);
    const listed = (await response.json()) as {
      devboxes: { id: string; status: string; metadata: Record<string, string> }[];
    };
    return listed.devboxes
      .filter((devbox) => devbox.status !== 'shutdown')
      .map((devbox) => devbox.metadata['agentkernel.name'] ?? `(unnamed ${devbox.id})`)
      .sort();
  },
});
