import type { BackendPlugin } from '@agentkernel/core';
import type { IsolationMode } from '@agentkernel/core/isolation';
import { VERSION } from './version.js';

/** The `local` backend: sandboxes are folders on this machine, commands run under bubblewrap. */
export const localPlugin: BackendPlugin = {
  specificationVersion: 'agentkernel-backend-v1',
  name: 'local',
  version: VERSION,
  description: 'Sandboxes on this machine, isolated with bubblewrap; no account needed',
  status: 'ready',
  capabilities: {
    nativeSnapshots: true,
    pauseResume: true,
    pty: true,
    streamingExec: true,
    list: true,
    ports: true,
  },
  credentials: [],
  configSchema: {
    isolation: {
      type: 'string',
      description:
        '"bubblewrap" isolates every command; "none" runs commands directly on this machine (warns each time)',
      default: 'bubblewrap',
      choices: ['bubblewrap', 'none'],
    },
  },
  async open(context) {
    const isolation = context.config.isolation as IsolationMode;
    // Imported here rather than at the top: the backend module imports this plugin object.
    const { createLocalBackend } = await import('./local-backend.js');
    return createLocalBackend({
      dataDir: context.dataDir,
      isolation,
      logger: context.logger,
      ...(context.env.PATH === undefined ? {} : { searchPath: context.env.PATH }),
    });
  },
};
