import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll } from '@agentkernel/core/isolation';
import { FaultInjector, randomToken } from '@agentkernel/fake-kit';
import { PtyTable } from './pty.js';
import { startServer } from './server.js';
import { SessionTable } from './sessions.js';
import { FakeState } from './state.js';
import type { FakeDaytona, FakeDaytonaOptions, FakeRequest } from './types.js';

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
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'agentkernel-fake-daytona-')));
  const procDir = join(dataDir, 'procs');
  await mkdir(procDir, { recursive: true });
  const apiKey = options.apiKey ?? `dtn_${randomToken(24)}`;
  const state: FakeState = new FakeState(
    dataDir,
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
  const faults = new FaultInjector(options.faults, options.randomFaults);
  const log: FakeRequest[] = [];
  const listener = await startServer({
    state,
    faults,
    apiKey,
    procDir,
    echoApiKeyInErrors: options.echoApiKeyInErrors ?? false,
    log,
  });
  const { url } = listener;
  const apiUrl = `${url}/api`;
  return {
    url,
    apiUrl,
    apiKey,
    dataDir,
    env: { DAYTONA_API_URL: apiUrl, DAYTONA_API_KEY: apiKey },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    sandboxes: () =>
      [...state.sandboxes.values()].map((sandbox) => ({
        id: sandbox.id,
        name: sandbox.name,
        state: sandbox.state,
        labels: { ...sandbox.labels },
        env: { ...sandbox.env },
        public: sandbox.public,
        networkBlockAll: sandbox.networkBlockAll,
        cpu: sandbox.cpu,
        memory: sandbox.memory,
        autoStopInterval: sandbox.autoStopInterval,
        ...(sandbox.autoDestroyAt === undefined ? {} : { autoDestroyAt: sandbox.autoDestroyAt }),
        snapshot: sandbox.snapshot,
        image: sandbox.image,
        target: sandbox.target,
        root: sandbox.root,
        sessions: sandbox.sessions.list().length,
      })),
    snapshots: () => [...state.snapshots.values()].map((snapshot) => snapshot.name),
    requests: () => [...log],
    close: async () => {
      await listener.close();
      await state.close();
      await killAll(procDir);
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
