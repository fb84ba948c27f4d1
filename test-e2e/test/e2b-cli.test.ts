import { e2bSandboxNames } from './fake-sandboxes.js';
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
  sandboxNames: e2bSandboxNames,
});
