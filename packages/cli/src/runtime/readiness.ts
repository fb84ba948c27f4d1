import {
  AgentkernelError,
  type BackendCapabilities,
  type LoadedConfig,
  type PluginCandidate,
} from '@agentkernel/core';
import { credentialStates, describeCredential } from './credentials.js';
import { pluginView } from './plugin-view.js';
import type { Runtime } from './runtime.js';

/** Whether a discovered backend can take sandboxes here, and why not when it cannot. */
export interface BackendReadiness {
  readonly name: string;
  readonly package: string;
  readonly version: string;
  /** Every required credential is set (inline or in the environment). */
  readonly configured: boolean;
  /** It loads, is not a stub, is configured and opens. */
  readonly usable: boolean;
  readonly reason: string | null;
  /** `null` when the plugin cannot be loaded. */
  readonly capabilities: BackendCapabilities | null;
}

const detail = (error: unknown): string =>
  AgentkernelError.isInstance(error) ? error.detail : String(error);

/**
 * Imports the plugin (as `doctor` does), reads where its credentials come from (never their values) and
 * opens it, which checks its config table; no provider is contacted.
 */
export async function backendReadiness(
  rt: Runtime,
  loaded: LoadedConfig,
  candidate: PluginCandidate,
): Promise<BackendReadiness> {
  const view = pluginView(candidate, await rt.discovery());
  const base = { name: candidate.name, package: view.package, version: view.version };
  let plugin;
  try {
    plugin = (await rt.loadCandidate(candidate)).plugin;
  } catch (error) {
    const reason = `broken: ${view.problem ?? detail(error)}`;
    return { ...base, configured: false, usable: false, reason, capabilities: null };
  }
  const missing = credentialStates(plugin, loaded, rt.io.env).filter(
    (state) => state.required && state.source === null,
  );
  const configured = missing.length === 0;
  const capabilities = plugin.capabilities;
  if (plugin.status === 'stub')
    return {
      ...base,
      configured,
      usable: false,
      reason: `stub: ${plugin.description ?? 'no live adapter yet'}`,
      capabilities,
    };
  if (!configured) {
    const reason = missing.map((state) => `${state.key}: ${describeCredential(state)}`).join('; ');
    return { ...base, configured, usable: false, reason, capabilities };
  }
  try {
    await rt.backend(candidate.name);
  } catch (error) {
    return { ...base, configured, usable: false, reason: detail(error), capabilities };
  }
  return { ...base, configured, usable: true, reason: null, capabilities };
}
