import { ModalClient } from 'modal';
import { describeProviderCli } from './provider-cli.js';

interface FakeEnv extends Record<string, string> {
  readonly MODAL_SERVER_URL: string;
  readonly MODAL_TOKEN_ID: string;
  readonly MODAL_TOKEN_SECRET: string;
}

describeProviderCli<FakeEnv>({
  backend: 'modal',
  title: 'Modal',
  sandbox: 'Modal sandbox',
  keyVar: 'MODAL_TOKEN_SECRET',
  keyPrefix: 'as-',
  // The fake itself, through the real SDK: agentkernel's sandboxes that are running (by name). The SDK
  // reads its server URL from the environment when a client is constructed.
  sandboxNames: async ({ MODAL_SERVER_URL, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET }) => {
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
  },
});
