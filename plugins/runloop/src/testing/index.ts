import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { killAll } from '@agentkernel/core/isolation';
import { FaultInjector, procDirOf } from '@agentkernel/fake-kit';
import { listen } from './server.js';
import { FakeState } from './state.js';
import { routeTunnel } from './tunnels.js';
import type { FakeRequest, FakeRunloop, FakeRunloopOptions } from './types.js';

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
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'agentkernel-fake-runloop-')));
  const procDir = procDirOf(dataDir);
  await mkdir(procDir, { recursive: true });
  const apiKey = options.apiKey ?? `ak_fake_${randomBytes(20).toString('hex')}`;
  const state = new FakeState(dataDir, procDir, {
    transitionMs: options.transitionMs ?? 100,
    longPollMs: options.longPollMs ?? 25_000,
  });
  const faults = new FaultInjector(options.faults, options.randomFaults);
  const log: FakeRequest[] = [];
  const listener = await listen({
    state,
    faults,
    apiKey,
    latencyMs: options.latencyMs ?? 0,
    echoApiKeyInErrors: options.echoApiKeyInErrors ?? false,
    blueprints: new Set(options.blueprints ?? []),
    pageSize: options.pageSize ?? 20,
    log,
  });
  return {
    url: listener.url,
    apiKey,
    dataDir,
    env: { RUNLOOP_BASE_URL: listener.url, RUNLOOP_API_KEY: apiKey, RUNLOOP_TUNNEL_DOMAIN: TUNNEL_DOMAIN },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    devboxes: () =>
      [...state.devboxes.values()].map((devbox) => ({
        id: devbox.id,
        name: devbox.name,
        status: devbox.status,
        metadata: { ...devbox.metadata },
        environmentVariables: { ...devbox.environmentVariables },
        launchParameters: { ...devbox.launchParameters },
        blueprintId: devbox.blueprintId,
        snapshotId: devbox.snapshotId,
        shutdownReason: devbox.shutdownReason,
        root: devbox.root,
      })),
    snapshots: () =>
      [...state.snapshots.values()].map((snapshot) => ({
        id: snapshot.id,
        name: snapshot.name,
        metadata: { ...snapshot.metadata },
        sourceDevboxId: snapshot.sourceDevboxId,
        status: snapshot.status,
      })),
    requests: () => [...log],
    fetchEndpoint: (url, init) => routeTunnel(state, url, init),
    close: async () => {
      await listener.close();
      await state.close();
      await killAll(procDir);
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
