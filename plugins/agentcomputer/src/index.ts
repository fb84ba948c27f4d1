export {
  agentcomputerPlugin,
  agentcomputerPlugin as plugin,
  agentcomputerPlugin as default,
} from './plugin.js';
export { createAgentcomputerBackend } from './agentcomputer-backend.js';
export { BACKEND_NAME } from './name.js';
export { VERSION } from './version.js';
