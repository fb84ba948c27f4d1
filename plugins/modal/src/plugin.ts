import {
  CredentialsMissingError,
  definePlugin,
  importVendor,
  REQUEST_CONFIG_SCHEMA,
  type BackendPlugin,
} from '@agentkernel/core';
import { BACKEND_NAME } from './name.js';
import { VERSION } from './version.js';

const CREDENTIALS = [
  { key: 'token_id', env: ['MODAL_TOKEN_ID'] },
  { key: 'token_secret', env: ['MODAL_TOKEN_SECRET'] },
] as const;

/** The `modal` backend: Modal sandboxes, through the pinned `modal@0.11.1` SDK (V2 sandboxes). */
export const modalPlugin: BackendPlugin = definePlugin({
  name: BACKEND_NAME,
  version: VERSION,
  description: 'Modal sandboxes (modal.com), through the pinned modal SDK',
  status: 'ready',
  // No pauseResume: Modal sandboxes cannot be paused, so stop refuses rather than destroying.
  capabilities: ['nativeSnapshots', 'pty', 'streamingExec', 'list', 'ports'],
  credentials: [
    {
      key: 'token_id',
      env: ['MODAL_TOKEN_ID'],
      required: true,
      secret: true,
      description: 'Modal token id (https://modal.com/settings/tokens)',
    },
    {
      key: 'token_secret',
      env: ['MODAL_TOKEN_SECRET'],
      required: true,
      secret: true,
      description: 'Modal token secret, paired with the token id',
    },
  ],
  configSchema: {
    project: {
      type: 'string',
      description: 'the Modal app that holds agentkernel sandboxes (created if missing)',
      default: 'agentkernel',
      env: ['MODAL_APP_NAME'],
    },
    environment: {
      type: 'string',
      description: "the Modal environment; the profile's default when unset",
      env: ['MODAL_ENVIRONMENT'],
    },
    base_url: {
      type: 'string',
      description:
        'Modal API server URL (default https://api.modal.com:443); http://127.0.0.1:<port> for offline Modal',
      env: ['MODAL_SERVER_URL'],
    },
    image: {
      type: 'string',
      description: 'registry image used when neither a profile nor [sandbox] base_image names one',
      default: 'debian:bookworm-slim',
    },
    lifetime_secs: {
      type: 'integer',
      description: 'how long a sandbox may live at most, in seconds (Modal ends it after that)',
      default: 86_400,
      min: 1,
    },
    // The SDK takes no per-call timeout, so of the shared request keys only max_retries applies.
    max_retries: REQUEST_CONFIG_SCHEMA.max_retries,
  },
  async open(context) {
    const missing = CREDENTIALS.filter(({ key }) => (context.credentials[key] ?? '') === '');
    if (missing.length > 0) throw new CredentialsMissingError(BACKEND_NAME, missing);
    const sdk = await importVendor(() => import('modal'), 'modal@0.11.1', BACKEND_NAME);
    const { createModalBackend } = await import('./modal-backend.js');
    return createModalBackend(context, modalPlugin, sdk);
  },
});
