import {
  CredentialsMissingError,
  definePlugin,
  importVendor,
  REQUEST_CONFIG_SCHEMA,
  type BackendPlugin,
} from '@agentkernel/core';
import { BACKEND_NAME } from './name.js';
import { VERSION } from './version.js';

const CREDENTIAL_HINT = [
  { key: 'api_key', env: ['DAYTONA_API_KEY'] },
  { key: 'jwt_token', env: ['DAYTONA_JWT_TOKEN'] },
];

/** The `daytona` backend: sandboxes in Daytona's cloud (or any Daytona-compatible API), through `@daytonaio/sdk`. */
export const daytonaPlugin: BackendPlugin = definePlugin({
  name: BACKEND_NAME,
  version: VERSION,
  description: 'Daytona cloud sandboxes (daytona.io), through the pinned @daytonaio/sdk',
  status: 'ready',
  capabilities: ['nativeSnapshots', 'pauseResume', 'pty', 'streamingExec', 'list', 'ports'],
  credentials: [
    {
      key: 'api_key',
      env: ['DAYTONA_API_KEY'],
      required: false,
      secret: true,
      description: 'Daytona API key (https://app.daytona.io/dashboard/keys); or a JWT with an organization',
    },
    {
      key: 'jwt_token',
      env: ['DAYTONA_JWT_TOKEN'],
      required: false,
      secret: true,
      description: 'Daytona JWT, used with [remote.daytona] organization when no API key is set',
    },
  ],
  configSchema: {
    base_url: {
      type: 'string',
      description: 'Daytona API URL',
      default: 'https://app.daytona.io/api',
      env: ['DAYTONA_API_URL'],
    },
    organization: {
      type: 'string',
      description: 'Daytona organization id (sent with a JWT; an API key belongs to one organization)',
      env: ['DAYTONA_ORGANIZATION_ID'],
    },
    region: {
      type: 'string',
      description: 'Daytona target region of new sandboxes',
      default: 'us',
      env: ['DAYTONA_TARGET'],
    },
    image: {
      type: 'string',
      description:
        'Daytona snapshot or image used when neither a profile nor [sandbox] base_image names one (Daytona default when unset)',
    },
    ...REQUEST_CONFIG_SCHEMA,
  },
  async open(context) {
    const apiKey = context.credentials.api_key;
    const jwt = context.credentials.jwt_token;
    if ((apiKey === undefined || apiKey === '') && (jwt === undefined || jwt === ''))
      throw new CredentialsMissingError(BACKEND_NAME, CREDENTIAL_HINT);
    const sdk = await importVendor(() => import('@daytonaio/sdk'), '@daytonaio/sdk', BACKEND_NAME);
    const { createDaytonaBackend } = await import('./daytona-backend.js');
    return createDaytonaBackend(context, daytonaPlugin, sdk);
  },
});
