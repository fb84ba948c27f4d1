import { Code, ConnectError, createContextKey, type HandlerContext } from '@connectrpc/connect';
import type { FakeSandbox } from './state.js';

/** Carries the sandbox an envd request is for (from its `E2b-Sandbox-Id` header) to the RPC handlers. */
export const SANDBOX_KEY = createContextKey<FakeSandbox | undefined>(undefined, {
  description: 'fake E2B sandbox',
});

export function sandboxOf(context: HandlerContext): FakeSandbox {
  const sandbox = context.values.get(SANDBOX_KEY);
  if (sandbox === undefined) throw new ConnectError('no sandbox for this request', Code.Internal);
  return sandbox;
}
