// Which sandboxes each offline provider fake holds (by agentkernel name, sorted), asked of the fake
// itself through its own API, with the environment its serve.js printed. Shared by the CLI and bridge tests.
import { ModalClient } from 'modal';
import { expect } from 'vitest';

export type FakeEnv = Readonly<Record<string, string>>;

export async function e2bSandboxNames({ E2B_API_URL, E2B_API_KEY }: FakeEnv): Promise<string[]> {
  const response = await fetch(`${E2B_API_URL}/v2/sandboxes?state=running,paused`, {
    headers: { 'X-API-KEY': E2B_API_KEY ?? '' },
  });
  expect(response.status).toBe(200);
  const listed = (await response.json()) as { sandboxID: string; metadata: Record<string, string> }[];
  return listed
    .map((sandbox) => sandbox.metadata['agentkernel.name'] ?? `(unnamed ${sandbox.sandboxID})`)
    .sort();
}

export async function daytonaSandboxNames({ DAYTONA_API_URL, DAYTONA_API_KEY }: FakeEnv): Promise<string[]> {
  const response = await fetch(`${DAYTONA_API_URL}/sandbox`, {
    headers: { authorization: `Bearer ${DAYTONA_API_KEY}` },
  });
  expect(response.status).toBe(200);
  const listed = (await response.json()) as { items: { id: string; labels: Record<string, string> }[] };
  return listed.items
    .map((sandbox) => sandbox.labels['agentkernel.name'] ?? `(unnamed ${sandbox.id})`)
    .sort();
}

export async function runloopSandboxNames({ RUNLOOP_BASE_URL, RUNLOOP_API_KEY }: FakeEnv): Promise<string[]> {
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
}

/** Through the real SDK, which reads its server URL from the environment when a client is made. */
export async function modalSandboxNames({
  MODAL_SERVER_URL,
  MODAL_TOKEN_ID,
  MODAL_TOKEN_SECRET,
}: FakeEnv): Promise<string[]> {
  process.env.MODAL_SERVER_URL = MODAL_SERVER_URL;
  const modal = new ModalClient({
    tokenId: MODAL_TOKEN_ID,
    tokenSecret: MODAL_TOKEN_SECRET,
    logLevel: 'error',
  });
  delete process.env.MODAL_SERVER_URL;
  try {
    const app = await modal.apps.fromName('agentkernel', { createIfMissing: true });
    const names: string[] = [];
    for await (const sandbox of modal.sandboxes.list({
      appId: app.appId,
      tags: { 'agentkernel.managed': 'true' },
    }))
      names.push((await sandbox.getTags())['agentkernel.name'] ?? `(unnamed ${sandbox.sandboxId})`);
    return names.sort();
  } finally {
    modal.close();
  }
}
