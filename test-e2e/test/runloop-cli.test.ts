import { runloopSandboxNames } from './fake-sandboxes.js';
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
  sandboxNames: runloopSandboxNames,
});
