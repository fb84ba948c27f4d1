import {
  CredentialsMissingError,
  definePlugin,
  importVendor,
  REQUEST_CONFIG_SCHEMA,
  type BackendPlugin,
} from '@agentkernel/core';
import { BACKEND_NAME } from './name.js';
import { VERSION } from './version.js';

/** The `e2b` backend: sandboxes in E2B's cloud (or any E2B-compatible API), through the `e2b` SDK. */
export const e2bPlugin: BackendPlugin = definePlugin({
  name: BACKEND_NAME,
  version: VERSION,
  description: 'E2B cloud sandboxes (e2b.dev), through the pinned e2b SDK',
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
  credentials: [
    {
      key: 'api_key',
      env: ['E2B_API_KEY'],
      required: true,
      secret: true,
      description: 'E2B API key (https://e2b.dev/dashboard?tab=keys)',
    },
  ],
  configSchema: {
    base_url: {
      type: 'string',
      description: 'E2B API URL (default https://api.<domain>)',
      env: ['E2B_API_URL'],
    },
    template: {
      type: 'string',
      description: 'E2B template used when neither a profile nor [sandbox] base_image names one',
      default: 'base',
    },
    domain: {
      type: 'string',
      description: 'E2B domain; sandbox URLs are https://<port>-<id>.<domain>',
      default: 'e2b.app',
      env: ['E2B_DOMAIN'],
    },
    sandbox_url: {
      type: 'string',
      description: 'envd URL override, for self-hosted or offline E2B',
      env: ['E2B_SANDBOX_URL'],
    },
    ...REQUEST_CONFIG_SCHEMA,
    on_timeout: {
      type: 'string',
      description:
        'what E2B does with a sandbox idle for its timeout: pause it (resumed on next use) or kill it',
      default: 'pause',
      choices: ['pause', 'kill'],
    },
  },
  async open(context) {
    const apiKey = context.credentials.api_key;
    if (apiKey === undefined || apiKey === '')
      throw new CredentialsMissingError(BACKEND_NAME, [{ key: 'api_key', env: ['E2B_API_KEY'] }]);
    const sdk = await importVendor(() => import('e2b'), 'e2b', BACKEND_NAME);
    const { createE2BBackend } = await import('./e2b-backend.js');
    return createE2BBackend(context, e2bPlugin, sdk, apiKey);
  },
});
