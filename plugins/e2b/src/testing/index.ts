import { faultControls, fakeTraffic, openFakeHome, randomToken, summaryOf } from '@agentkernel/fake-kit';
import { routeEndpoint } from './edge.js';
import { listen } from './server.js';
import { FakeState } from './state.js';
import { SUMMARY_KEYS, type FakeE2B, type FakeE2BOptions, type FakeRequest } from './types.js';

export type { FaultKind, FaultSpec, RandomFaults } from '@agentkernel/fake-kit';
export type { FakeE2B, FakeE2BEnv, FakeE2BOptions, FakeRequest, FakeSandboxSummary } from './types.js';
export { FAKE_ENVD_VERSION } from './state.js';

/**
 * Starts an offline E2B: the control-plane REST API and every sandbox's envd (Connect-RPC and the
 * `/files` API) on one local port, close enough to the real service that the pinned `e2b` SDK runs
 * against it unmodified through `E2B_API_URL` / `E2B_SANDBOX_URL`. Commands run for real, under
 * bubblewrap, in a folder per sandbox.
 */
export async function startFakeE2B(options: FakeE2BOptions = {}): Promise<FakeE2B> {
  const home = await openFakeHome('e2b', options.dataDir);
  const apiKey = options.apiKey ?? `e2b_${randomToken(20)}`;
  const state = new FakeState(
    home.dataDir,
    new Set(options.templates ?? ['base']),
    `fake-client-${randomToken(4)}`,
  );
  const traffic = fakeTraffic<FakeRequest>(options);
  const echoApiKeyInErrors = options.echoApiKeyInErrors ?? false;
  const listener = await listen({ ...traffic, state, apiKey, procDir: home.procDir, echoApiKeyInErrors });

  const { url } = listener;
  return {
    url,
    apiKey,
    dataDir: home.dataDir,
    env: { E2B_API_URL: url, E2B_SANDBOX_URL: url, E2B_API_KEY: apiKey },
    ...faultControls(traffic.faults),
    sandboxes: () => [...state.sandboxes.values()].map((sandbox) => summaryOf(sandbox, SUMMARY_KEYS)),
    snapshots: () => [...state.snapshots.keys()],
    requests: () => [...traffic.log],
    fetchEndpoint: (url, init) => routeEndpoint(state, url, init),
    expire: (sandboxID) => {
      const sandbox = state.sandboxes.get(sandboxID);
      if (sandbox !== undefined) sandbox.endAt = new Date(Date.now() - 1);
    },
    close: () => home.close(listener, state),
  };
}
