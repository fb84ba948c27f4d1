import { join } from 'node:path';
import {
  AgentkernelError,
  bridgeEnvironment,
  bridgeFailure,
  redact,
  redactValue,
  registerBridgeSecrets,
  resolveHome,
  type BridgeRequest,
  type BridgeResponse,
} from '@agentkernel/core';
import type { Io } from '../output/io.js';
import { Runtime } from '../runtime/runtime.js';
import { attach, OPERATIONS } from './operations.js';
import type { Session } from './session.js';

/** What one invocation ends with: a JSON line to print, or (attach) the shell's exit code. */
export type BridgeOutcome = { readonly response: BridgeResponse } | { readonly exitCode: number };

// A backend name as discovery spells it (`agentkernel-backend-<name>`).
const PROVIDER = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The error text of a response: the message and its hint, redacted; never a stack. */
export function failureText(error: unknown): string {
  if (AgentkernelError.isInstance(error))
    return redact(error.hint === undefined ? error.message : `${error.message} (${error.hint})`);
  return redact(error instanceof Error ? error.message : String(error));
}

/**
 * Secrets are masked in everything but what the sandbox itself produced (a command's output, a file's
 * bytes), which agentkernel needs byte for byte.
 */
function redactResponse(response: BridgeResponse): BridgeResponse {
  const { stdout, stderr, content_base64: content, ...rest } = response;
  return {
    ...redactValue(rest),
    ...(stdout === undefined ? {} : { stdout }),
    ...(stderr === undefined ? {} : { stderr }),
    ...(content === undefined ? {} : { content_base64: content }),
  };
}

/**
 * Serves one request of agentkernel's CLI through the same runtime as the `agentkernel` command. State
 * lives under `$AGENTKERNEL_HOME/bridge`; agentkernel's environment names and aliases are mapped onto
 * what our plugins read, and every provider secret in it is registered with the redactor first.
 */
export async function runBridge(provider: string, request: BridgeRequest, io: Io): Promise<BridgeOutcome> {
  if (!PROVIDER.test(provider))
    return {
      response: bridgeFailure(
        `invalid provider ${JSON.stringify(provider.slice(0, 80))}: expected a backend name such as e2b or local`,
      ),
    };
  const env = bridgeEnvironment(io.env);
  registerBridgeSecrets(env);
  const bridgeIo: Io = { ...io, env };
  const rt = new Runtime(
    { json: true, quiet: false, debug: env.AGENTKERNEL_BRIDGE_DEBUG === '1' },
    bridgeIo,
    {
      stateHome: join(resolveHome(env), 'bridge'),
    },
  );
  const session: Session = { rt, provider, request };
  try {
    await rt.config();
    const { operation } = request;
    if (operation === 'attach') return { exitCode: await attach(session) };
    return { response: redactResponse(await OPERATIONS[operation](session)) };
  } catch (error) {
    if (request.operation === 'attach') {
      io.stderr.write(`agentkernel-bridge: attach failed: ${failureText(error)}\n`);
      return { exitCode: 1 };
    }
    return { response: bridgeFailure(failureText(error)) };
  } finally {
    await rt.close();
  }
}
