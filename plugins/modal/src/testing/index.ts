import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll } from '@agentkernel/core/isolation';
import {
  FaultInjector,
  listenGrpc,
  procDirOf,
  randomToken,
  serviceOf,
  type GrpcCallRecord,
} from '@agentkernel/fake-kit';
import { commandRouter } from './command-router.js';
import { authenticated, controlPlane, type FakeContext } from './control-plane.js';
import { routeTunnel } from './edge.js';
import { modalFaultTrailer } from './faults.js';
import { loadModalProtocol } from './sdk-protocol.js';
import { FakeModalState } from './state.js';
import type { FakeModal, FakeModalOptions } from './types.js';

export type { FakeModal, FakeModalEnv, FakeModalOptions, FakeModalSandboxSummary } from './types.js';
export { retryAfterTrailer } from './faults.js';

const unimplemented = (method: string): string => `the offline Modal does not implement ${method}`;

/**
 * Starts an offline Modal: the control plane (`modal.client.ModalClient`) and the task command router
 * on one plaintext HTTP/2 port, encoded with the installed SDK's own generated codecs, so that the
 * pinned `modal` SDK runs against it unmodified through `MODAL_SERVER_URL`. Commands run for real,
 * isolated, in a folder per sandbox.
 */
export async function startFakeModal(options: FakeModalOptions = {}): Promise<FakeModal> {
  const protocol = loadModalProtocol();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'agentkernel-fake-modal-')));
  const procDir = procDirOf(dataDir);
  await mkdir(procDir, { recursive: true });
  const credentials = {
    tokenId: options.tokenId ?? `ak-${randomToken(8)}`,
    tokenSecret: options.tokenSecret ?? `as-${randomToken(16)}`,
    echoInErrors: options.echoCredentialsInErrors ?? false,
  };
  const state = new FakeModalState(dataDir);
  const faults = new FaultInjector(options.faults, options.randomFaults);
  const log: GrpcCallRecord[] = [];
  // The router URL names the server's own port, known once it listens; handlers read it lazily.
  let port = 0;
  const context: FakeContext = {
    state,
    credentials,
    authTokens: new Set(),
    get routerUrl() {
      return `https://127.0.0.1:${port}`;
    },
    procDir,
  };
  const server = await listenGrpc({
    services: [
      serviceOf(protocol.ModalClientDefinition, authenticated(context, controlPlane(context)), unimplemented),
      serviceOf(protocol.TaskCommandRouterDefinition, commandRouter(context), unimplemented),
    ],
    faults,
    faultTrailer: modalFaultTrailer(protocol),
    latencyMs: options.latencyMs ?? 0,
    log,
  });
  port = server.port;

  return {
    url: server.url,
    tokenId: credentials.tokenId,
    tokenSecret: credentials.tokenSecret,
    dataDir,
    env: {
      MODAL_SERVER_URL: server.url,
      MODAL_TOKEN_ID: credentials.tokenId,
      MODAL_TOKEN_SECRET: credentials.tokenSecret,
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setRandomFaults: (random) => faults.setRandom(random),
    calls: () => [...log],
    sandboxes: () =>
      [...state.sandboxes.values()].map((sandbox) => ({
        sandboxId: sandbox.sandboxId,
        appId: sandbox.appId,
        app: [...state.apps.entries()].find(([, id]) => id === sandbox.appId)?.[0] ?? '',
        imageId: sandbox.imageId,
        tags: { ...sandbox.tags },
        env: { ...sandbox.env },
        network: sandbox.network,
        finished: sandbox.result !== undefined,
        milliCpu: sandbox.milliCpu,
        memoryMb: sandbox.memoryMb,
        timeoutSecs: sandbox.timeoutSecs,
        idleTimeoutSecs: sandbox.idleTimeoutSecs,
        ports: sandbox.tunnels.map((tunnel) => tunnel.containerPort),
        root: sandbox.root,
      })),
    images: () =>
      [...state.images.values()].filter((image) => image.root !== undefined).map((image) => image.imageId),
    fetchEndpoint: (url, init) => routeTunnel(state, url, init),
    close: async () => {
      await server.close();
      await state.close();
      await killAll(procDir);
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
