import { modalSandboxNames } from './fake-sandboxes.js';
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
  sandboxNames: modalSandboxNames,
});
