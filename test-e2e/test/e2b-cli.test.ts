import { expect } from 'vitest';
import { describeProviderCli } from './provider-cli.js';

interface FakeEnv extends Record<string, string> {
  readonly E2B_API_URL: string;
  readonly E2B_SANDBOX_URL: string;
  readonly E2B_API_KEY: string;
}

describeProviderCli<FakeEnv>({
  backend: 'e2b',
  title: 'E2B',
  sandbox: 'sandbox',
  keyVar: 'E2B_API_KEY',
  keyPrefix: 'e2b_',
  // The fake's own REST API: the sandboxes that exist (by agentkernel name).
  sandboxNames: async ({ E2B_API_URL, E2B_API_KEY }) => {
    const response = await fetch(`${E2B_API_URL}/v2/sandboxes?state=running,paused`, {
      headers: { 'X-API-KEY': E2B_API_KEY },
    });
    expect(response.status).toBe(200);
    const listed = (await response.json()) as { sandboxID: string; metadata: Record<string, string> }[];
    return listed
      .map((sandbox) => sandbox.metadata['agentkernel.name'] ?? `(unnamed ${sandbox.sandboxID})`)
      .sort();
  },
});
