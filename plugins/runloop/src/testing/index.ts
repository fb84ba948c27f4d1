import { faultControls, fakeTraffic, openFakeHome, randomToken, summaryOf } from '@agentkernel/fake-kit';
import { listen } from './server.js';
import { FakeState } from './state.js';
import { routeTunnel } from './tunnels.js';
import {
  DEVBOX_SUMMARY_KEYS,
  SNAPSHOT_SUMMARY_KEYS,
  type FakeRequest,
  type FakeRunloop,
  type FakeRunloopOptions,
} from './types.js';

/** The tunnel domain of the fake's env: its API is reached by IP address, from which none can be derived. */
const TUNNEL_DOMAIN = 'runloop.test';

export type { FaultKind, FaultSpec, RandomFaults } from '@agentkernel/fake-kit';
export type {
  FakeDevboxSummary,
  FakeRequest,
  FakeRunloop,
  FakeRunloopEnv,
  FakeRunloopOptions,
  FakeSnapshotSummary,
} from './types.js';

/**
 * Starts an offline Runloop: the devbox REST API (JSON, SSE output streams, multipart upload,
 * long-polls answered 408 to re-poll) over HTTP/2 cleartext with prior knowledge, as the SDK speaks
 * by default, and HTTP/1.1, on one local port. The pinned `@runloop/api-client` runs against it
 * unmodified through `RUNLOOP_BASE_URL`. Commands run for real, under bubblewrap, in a folder per devbox.
 */
export async function startFakeRunloop(options: FakeRunloopOptions = {}): Promise<FakeRunloop> {
  const home = await openFakeHome('runloop', options.dataDir);
  const apiKey = options.apiKey ?? `ak_fake_${randomToken(20)}`;
  const state = new FakeState(home.dataDir, home.procDir, {
    transitionMs: options.transitionMs ?? 100,
    longPollMs: options.longPollMs ?? 25_000,
  });
  const traffic = fakeTraffic<FakeRequest>(options);
  const listener = await listen({
    ...traffic,
    state,
    apiKey,
    echoApiKeyInErrors: options.echoApiKeyInErrors ?? false,
    blueprints: new Set(options.blueprints ?? []),
    pageSize: options.pageSize ?? 20,
  });
  return {
    url: listener.url,
    apiKey,
    dataDir: home.dataDir,
    env: { RUNLOOP_BASE_URL: listener.url, RUNLOOP_API_KEY: apiKey, RUNLOOP_TUNNEL_DOMAIN: TUNNEL_DOMAIN },
    ...faultControls(traffic.faults),
    devboxes: () => [...state.devboxes.values()].map((devbox) => summaryOf(devbox, DEVBOX_SUMMARY_KEYS)),
    snapshots: () =>
      [...state.snapshots.values()].map((snapshot) => summaryOf(snapshot, SNAPSHOT_SUMMARY_KEYS)),
    requests: () => [...traffic.log],
    fetchEndpoint: (url, init) => routeTunnel(state, url, init),
    close: () => home.close(listener, state),
  };
}
