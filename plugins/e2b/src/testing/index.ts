import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll } from '@agentkernel/core/isolation';
import { FaultInjector, procDirOf, randomToken } from '@agentkernel/fake-kit';
import { routeEndpoint } from './edge.js';
import { listen } from './server.js';
import { FakeState } from './state.js';
import type { FakeE2B, FakeE2BOptions, FakeRequest } from './types.js';

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
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'agentkernel-fake-e2b-')));
  const procDir = procDirOf(dataDir);
  await mkdir(procDir, { recursive: true });
  const apiKey = options.apiKey ?? `e2b_${randomToken(20)}`;
  const state = new FakeState(
    dataDir,
    new Set(options.templates ?? ['base']),
    `fake-client-${randomToken(4)}`,
  );
  const faults = new FaultInjector(options.faults, options.randomFaults);
  const log: FakeRequest[] = [];
  const listener = await listen({
    state,
    faults,
    apiKey,
    latencyMs: options.latencyMs ?? 0,
    procDir,
    echoApiKeyInErrors: options.echoApiKeyInErrors ?? false,
    log,
  });

  const { url } = listener;
  return {
    url,
    apiKey,
    dataDir,
    env: { E2B_API_URL: url, E2B_SANDBOX_URL: url, E2B_API_KEY: apiKey },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setRandomFaults: (random) => faults.setRandom(random),
    sandboxes: () =>
      [...state.sandboxes.values()].map((sandbox) => ({
        sandboxID: sandbox.sandboxID,
        templateID: sandbox.templateID,
        state: sandbox.state,
        metadata: { ...sandbox.metadata },
        envVars: { ...sandbox.envVars },
        allowInternetAccess: sandbox.allowInternetAccess,
        autoPause: sandbox.autoPause,
        autoResume: sandbox.autoResume,
        endAt: sandbox.endAt,
        root: sandbox.root,
      })),
    snapshots: () => [...state.snapshots.keys()],
    requests: () => [...log],
    fetchEndpoint: (url, init) => routeEndpoint(state, url, init),
    expire: (sandboxID) => {
      const sandbox = state.sandboxes.get(sandboxID);
      if (sandbox !== undefined) sandbox.endAt = new Date(Date.now() - 1);
    },
    close: async () => {
      await listener.close();
      await state.close();
      await killAll(procDir);
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
