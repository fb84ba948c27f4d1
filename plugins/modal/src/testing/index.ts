import {
  faultControls,
  fakeTraffic,
  listenGrpc,
  openFakeHome,
  randomToken,
  serviceOf,
  summaryOf,
  type GrpcCallRecord,
} from '@agentkernel/fake-kit';
import { commandRouter } from './command-router.js';
import { authenticated, controlPlane, type FakeContext } from './control-plane.js';
import { routeTunnel } from './edge.js';
import { modalFaultTrailer } from './faults.js';
import { loadModalProtocol } from './sdk-protocol.js';
import { FakeModalState } from './state.js';
import { SUMMARY_KEYS, type FakeModal, type FakeModalOptions } from './types.js';

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
  const home = await openFakeHome('modal', options.dataDir);
  const credentials = {
    tokenId: options.tokenId ?? `ak-${randomToken(8)}`,
    tokenSecret: options.tokenSecret ?? `as-${randomToken(16)}`,
    echoInErrors: options.echoCredentialsInErrors ?? false,
  };
  const state = new FakeModalState(home.dataDir);
  const traffic = fakeTraffic<GrpcCallRecord>(options);
  // The router URL names the server's own port, known once it listens; handlers read it lazily.
  let port = 0;
  const context: FakeContext = {
    state,
    credentials,
    authTokens: new Set(),
    get routerUrl() {
      return `https://127.0.0.1:${port}`;
    },
    procDir: home.procDir,
  };
  const server = await listenGrpc({
    services: [
      serviceOf(protocol.ModalClientDefinition, authenticated(context, controlPlane(context)), unimplemented),
      serviceOf(protocol.TaskCommandRouterDefinition, commandRouter(context), unimplemented),
    ],
    ...traffic,
    faultTrailer: modalFaultTrailer(protocol),
  });
  port = server.port;

  return {
    url: server.url,
    tokenId: credentials.tokenId,
    tokenSecret: credentials.tokenSecret,
    dataDir: home.dataDir,
    env: {
      MODAL_SERVER_URL: server.url,
      MODAL_TOKEN_ID: credentials.tokenId,
      MODAL_TOKEN_SECRET: credentials.tokenSecret,
    },
    ...faultControls(traffic.faults),
    calls: () => [...traffic.log],
    sandboxes: () =>
      [...state.sandboxes.values()].map((sandbox) => ({
        ...summaryOf(sandbox, SUMMARY_KEYS),
        app: [...state.apps.entries()].find(([, id]) => id === sandbox.appId)?.[0] ?? '',
        finished: sandbox.result !== undefined,
        ports: sandbox.tunnels.map((tunnel) => tunnel.containerPort),
      })),
    images: () =>
      [...state.images.values()].filter((image) => image.root !== undefined).map((image) => image.imageId),
    fetchEndpoint: (url, init) => routeTunnel(state, url, init),
    close: () => home.close(server, state),
  };
}
