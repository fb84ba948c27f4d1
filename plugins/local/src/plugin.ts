import { definePlugin, type BackendPlugin } from '@agentkernel/core';
import { createLocalBackend } from './local-backend.js';
import { BACKEND_NAME } from './name.js';
import { VERSION } from './version.js';

/** The `local` backend: sandboxes are folders on this machine, commands run under bubblewrap. */
export const localPlugin: BackendPlugin = definePlugin({
  name: BACKEND_NAME,
  version: VERSION,
  description: 'Sandboxes on this machine, isolated with bubblewrap; no account needed',
  status: 'ready',
  capabilities: [
    'nativeSnapshots',
    'pauseResume',
    'pty',
    'streamingExec',
    'list',
    'ports',
    'backgroundProcesses',
  ],
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
    return createLocalBackend(context, localPlugin);
  },
});
