import { faultControls, fakeTraffic, openFakeHome, randomToken, summaryOf } from '@agentkernel/fake-kit';
import { PtyTable } from './pty.js';
import { startServer } from './server.js';
import { SessionTable } from './sessions.js';
import { FakeState } from './state.js';
import { SUMMARY_KEYS, type FakeDaytona, type FakeDaytonaOptions, type FakeRequest } from './types.js';

export type { FaultKind, FaultSpec, RandomFaults } from '@agentkernel/fake-kit';
export type {
  FakeDaytona,
  FakeDaytonaEnv,
  FakeDaytonaOptions,
  FakeRequest,
  FakeSandboxSummary,
} from './types.js';

/** Daytona's default snapshots, which `create` accepts by name. */
export const DEFAULT_IMAGES = [
  'daytonaio/sandbox:latest',
  'daytona-small',
  'daytona-medium',
  'daytona-large',
];

/**
 * Starts an offline Daytona on one local port: the REST API under `/api`, every sandbox's toolbox
 * (sessions with the log WebSocket, one-shot execute, files with multipart bulk transfers, PTYs) under
 * `/toolbox/<id>`, and the preview proxy under `/preview`, close enough to the real service that the
 * pinned `@daytonaio/sdk` runs against it unmodified through its `apiUrl` (`DAYTONA_API_URL`).
 * Commands run for real, under bubblewrap, in a folder per sandbox.
 */
export async function startFakeDaytona(options: FakeDaytonaOptions = {}): Promise<FakeDaytona> {
  const home = await openFakeHome('daytona', options.dataDir);
  const { procDir } = home;
  const apiKey = options.apiKey ?? `dtn_${randomToken(24)}`;
  const state: FakeState = new FakeState(
    home.dataDir,
    `org-${randomToken(6)}`,
    new Set(options.images ?? DEFAULT_IMAGES),
    ({ id, root }) => {
      const env = (): { env: Readonly<Record<string, string>>; network: boolean } => {
        const sandbox = state.sandboxes.get(id);
        return { env: sandbox?.env ?? {}, network: sandbox !== undefined && !sandbox.networkBlockAll };
      };
      return { sessions: new SessionTable(root, procDir, env), ptys: new PtyTable(root, procDir, env) };
    },
  );
  const traffic = fakeTraffic<FakeRequest>(options);
  const echoApiKeyInErrors = options.echoApiKeyInErrors ?? false;
  const listener = await startServer({ ...traffic, state, apiKey, procDir, echoApiKeyInErrors });
  const { url } = listener;
  const apiUrl = `${url}/api`;
  return {
    url,
    apiUrl,
    apiKey,
    dataDir: home.dataDir,
    env: { DAYTONA_API_URL: apiUrl, DAYTONA_API_KEY: apiKey },
    ...faultControls(traffic.faults),
    sandboxes: () =>
      [...state.sandboxes.values()].map((sandbox) => ({
        ...summaryOf(sandbox, SUMMARY_KEYS),
        sessions: sandbox.sessions.list().length,
      })),
    snapshots: () => [...state.snapshots.values()].map((snapshot) => snapshot.name),
    requests: () => [...traffic.log],
    close: () => home.close(listener, state),
  };
}
