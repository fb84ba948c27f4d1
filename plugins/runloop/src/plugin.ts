import {
  CredentialsMissingError,
  definePlugin,
  importVendor,
  type BackendPlugin,
  REQUEST_CONFIG_SCHEMA,
} from '@agentkernel/core';
import { BACKEND_NAME } from './name.js';
import { VERSION } from './version.js';

/** The `runloop` backend: devboxes on Runloop (or any Runloop-compatible API), through `@runloop/api-client`. */
export const runloopPlugin: BackendPlugin = definePlugin({
  name: BACKEND_NAME,
  version: VERSION,
  description: 'Runloop devboxes (runloop.ai), through the pinned @runloop/api-client SDK',
  status: 'ready',
  capabilities: ['nativeSnapshots', 'pauseResume', 'streamingExec', 'list', 'ports'],
  credentials: [
    {
      key: 'api_key',
      env: ['RUNLOOP_API_KEY'],
      required: true,
      secret: true,
      description: 'Runloop API key (https://platform.runloop.ai/settings)',
    },
  ],
  configSchema: {
    base_url: {
      type: 'string',
      description: 'Runloop API URL (default https://api.runloop.ai); tunnel URLs are derived from its host',
      env: ['RUNLOOP_BASE_URL'],
    },
    tunnel_domain: {
      type: 'string',
      description:
        'domain of tunnel URLs https://<port>-<key>.tunnel.<domain> (default: the API host without "api.")',
      env: ['RUNLOOP_TUNNEL_DOMAIN'],
    },
    blueprint: {
      type: 'string',
      description:
        "blueprint name used when neither a profile nor [sandbox] base_image names one (empty: Runloop's default image)",
      default: '',
    },
    on_idle: {
      type: 'string',
      description: 'what Runloop does with a devbox idle for its idle timeout: suspend it or shut it down',
      default: 'suspend',
      choices: ['suspend', 'shutdown'],
    },
    network_policy_id: {
      type: 'string',
      description:
        'Runloop network policy applied when [security] network = false (Runloop has no other way to cut a devbox off)',
    },
    http2: {
      type: 'boolean',
      description: 'speak HTTP/2 to the API, as the SDK does by default (false: HTTP/1.1)',
      default: true,
    },
    ...REQUEST_CONFIG_SCHEMA,
  },
  async open(context) {
    const apiKey = context.credentials.api_key;
    if (apiKey === undefined || apiKey === '')
      throw new CredentialsMissingError(BACKEND_NAME, [{ key: 'api_key', env: ['RUNLOOP_API_KEY'] }]);
    const sdk = await importVendor(() => import('@runloop/api-client'), '@runloop/api-client', BACKEND_NAME);
    const { createRunloopBackend } = await import('./runloop-backend.js');
    return createRunloopBackend(context, runloopPlugin, sdk, apiKey);
  },
});
