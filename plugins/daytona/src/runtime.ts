import {
  createRetrier,
  registerSecret,
  requestSettings,
  type BackendContext,
  type CallExtras,
  type Doing,
  type Logger,
  type Replay,
  type Retrier,
} from '@agentkernel/core';
import type * as DaytonaSdk from '@daytonaio/sdk';
import { BACKEND, classifyDaytona, toAgentkernelError } from './errors.js';

/** The vendor SDK module, imported lazily when the backend opens. */
export type DaytonaModule = typeof DaytonaSdk;
export type SdkClient = DaytonaSdk.Daytona;
export type SdkSandbox = DaytonaSdk.Sandbox;

/** What every part of an opened backend shares. */
export interface Runtime {
  readonly sdk: DaytonaModule;
  readonly client: SdkClient;
  readonly retrier: Retrier;
  readonly logger: Logger;
  /** How long one request may take, in seconds (the SDK's per-call timeouts are in seconds). */
  readonly timeoutSeconds: number;
  /** The snapshot or image of a sandbox whose spec names none. */
  readonly defaultImage: string | undefined;
}

const text = (context: BackendContext, key: string): string | undefined => {
  const value = context.config[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Builds the SDK client from the validated `[remote.daytona]` table and the credentials. */
export function createRuntime(sdk: DaytonaModule, context: BackendContext): Runtime {
  const apiKey = context.credentials.api_key;
  const jwtToken = context.credentials.jwt_token;
  for (const secret of [apiKey, jwtToken]) if (secret !== undefined && secret !== '') registerSecret(secret);
  const { retry, requestTimeoutMs } = requestSettings(context.config);
  const organizationId = text(context, 'organization');
  // Every setting is passed, so the SDK never falls back on its own reading of the environment or of
  // a .env file in the working directory. The socket.io event stream is off: state is polled.
  const client = new sdk.Daytona({
    ...(apiKey === undefined || apiKey === '' ? { jwtToken } : { apiKey }),
    apiUrl: (text(context, 'base_url') ?? 'https://app.daytona.io/api').replace(/\/+$/, ''),
    target: text(context, 'region') ?? 'us',
    ...(organizationId === undefined ? {} : { organizationId }),
    requestTimeoutMs,
    useDeprecatedPolling: true,
  });
  const retrier = createRetrier({
    backend: BACKEND,
    policy: retry,
    classify: classifyDaytona,
    logger: context.logger,
    toError: toAgentkernelError,
  });
  return {
    sdk,
    client,
    retrier,
    logger: context.logger,
    timeoutSeconds: Math.max(1, Math.ceil(requestTimeoutMs / 1000)),
    defaultImage: text(context, 'image'),
  };
}

/** Runs a provider call with the backend's retry policy; the last failure is rethrown as the SDK's. */
export function retrying<T>(
  runtime: Runtime,
  doing: Doing,
  replay: Replay,
  operation: () => Promise<T>,
  extra?: CallExtras<T>,
): Promise<T> {
  return runtime.retrier.run(doing.action, replay, operation, extra);
}
