import { randomBytes } from 'node:crypto';
import { ServerError, Status, type CallContext } from '@agentkernel/fake-kit';

const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT-shaped token with an `exp` claim, as Modal's auth and router tokens are (the SDK reads `exp`). */
export function issueJwt(subject: string, lifetimeSeconds = 3600): string {
  const exp = Math.floor(Date.now() / 1000) + lifetimeSeconds;
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: subject, exp })}.${randomBytes(16).toString('base64url')}`;
}

export interface Credentials {
  readonly tokenId: string;
  readonly tokenSecret: string;
  /** Echo the received token id and secret in UNAUTHENTICATED messages, as a careless server might. */
  readonly echoInErrors: boolean;
}

const first = (context: CallContext, key: string): string | undefined => {
  const value = context.metadata.get(key);
  return typeof value === 'string' ? value : undefined;
};

/**
 * Checks a control-plane call as Modal does: the token pair on every call, and on every call but
 * `AuthTokenGet` the short-lived auth token that call handed out.
 */
export function checkControlPlane(
  context: CallContext,
  credentials: Credentials,
  authTokens: ReadonlySet<string>,
  isAuthTokenGet: boolean,
): void {
  const id = first(context, 'x-modal-token-id');
  const secret = first(context, 'x-modal-token-secret');
  if (id !== credentials.tokenId || secret !== credentials.tokenSecret) {
    const shown = credentials.echoInErrors ? ` (got ${id ?? ''}:${secret ?? ''})` : '';
    throw new ServerError(Status.UNAUTHENTICATED, `Token ID or secret is invalid${shown}`);
  }
  if (isAuthTokenGet) return;
  const token = first(context, 'x-modal-auth-token');
  if (token === undefined || !authTokens.has(token)) {
    throw new ServerError(Status.UNAUTHENTICATED, 'missing or invalid x-modal-auth-token');
  }
}

/** The router's check: `authorization: Bearer <jwt>` with the JWT the sandbox's access call returned. */
export function checkRouter(context: CallContext, jwt: string): void {
  if (first(context, 'authorization') !== `Bearer ${jwt}`) {
    throw new ServerError(Status.UNAUTHENTICATED, 'invalid or expired command router token');
  }
}
