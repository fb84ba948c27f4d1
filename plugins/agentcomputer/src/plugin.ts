import { definePlugin, type BackendContext, type BackendPlugin } from '@agentkernel/core';
import { createAgentcomputerBackend } from './agentcomputer-backend.js';
import { BACKEND_NAME } from './name.js';
import { VERSION } from './version.js';

/** The AgentComputer plugin: discovered and listed like any backend, marked as a stub. */
export const agentcomputerPlugin: BackendPlugin = definePlugin({
  name: BACKEND_NAME,
  version: VERSION,
  description: 'AgentComputer (stub: no live adapter yet)',
  status: 'stub',
  capabilities: [],
  credentials: [
    {
      key: 'api_key',
      env: ['AGENTCOMPUTER_API_KEY'],
      // Not required while the plugin is a stub: a missing key must not hide the real reason it cannot run.
      required: false,
      secret: true,
      description: 'AgentComputer API key (read once a live adapter exists)',
    },
  ],
  configSchema: {},
  open(context: BackendContext) {
    return createAgentcomputerBackend(context, agentcomputerPlugin);
  },
});
