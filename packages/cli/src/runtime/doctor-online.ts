import {
  AgentkernelError,
  validateProviderTable,
  type BackendPlugin,
  type LoadedConfig,
  type PluginCandidate,
} from '@agentkernel/core';
import { credentialStates } from './credentials.js';
import type { Finding } from './doctor-checks.js';
import type { Runtime } from './runtime.js';

/**
 * A check that talks to providers, run only by `doctor --online`; without the flag `doctor` lists the
 * titles of the ones it skipped. (The leftovers check, leftover-check.ts, has an offline half and runs
 * on its own.)
 */
export interface OnlineCheck {
  /** What the check covers, for the "skipped" line: `provider credentials and reachability`. */
  readonly title: string;
  run(rt: Runtime, loaded: LoadedConfig): Promise<Finding[]>;
}

/** Every discovered plugin that imports; a broken one is checkPlugins' to report. */
async function loadablePlugins(rt: Runtime): Promise<BackendPlugin[]> {
  const discovery = await rt.discovery();
  const loaded = await Promise.all(
    discovery.plugins.map((candidate: PluginCandidate) =>
      rt.loadCandidate(candidate).then(
        ({ plugin }) => plugin,
        () => undefined,
      ),
    ),
  );
  return loaded.filter((plugin): plugin is BackendPlugin => plugin !== undefined);
}

/** The plugins that can be called: not stubs, with a credential to send and every required one set. */
async function configuredProviders(rt: Runtime, loaded: LoadedConfig): Promise<BackendPlugin[]> {
  return (await loadablePlugins(rt)).filter((plugin) => {
    if (plugin.status === 'stub') return false;
    const states = credentialStates(plugin, loaded, rt.io.env);
    // Some providers take one of several optional credentials (Daytona: an API key or a JWT).
    return (
      states.some((state) => state.source !== null) &&
      states.every((state) => state.source !== null || !state.required)
    );
  });
}

/** Where the provider is, as configured: its `base_url` when it has one (never a credential). */
function endpointOf(plugin: BackendPlugin, loaded: LoadedConfig, env: Runtime['io']['env']): string {
  const url = validateProviderTable(plugin, loaded, env).config.base_url;
  return typeof url === 'string' && url !== '' ? url : `${plugin.name}'s default endpoint`;
}

/** The credentials a plugin sent, by name and source only: `api_key (env:E2B_API_KEY)`. */
function credentialNames(plugin: BackendPlugin, loaded: LoadedConfig, env: Runtime['io']['env']): string {
  return credentialStates(plugin, loaded, env)
    .filter((state) => state.source !== null)
    .map((state) => `${state.key} (${state.source})`)
    .join(', ');
}

/**
 * The config with `max_retries = 0` for every provider that has the key: doctor asks whether providers
 * answer now, and retries (the SDK's own, then ours) would make a closed port take minutes.
 */
export async function withoutRetries(rt: Runtime, loaded: LoadedConfig): Promise<LoadedConfig> {
  const providers = { ...loaded.config.remote.providers };
  for (const plugin of await loadablePlugins(rt)) {
    if (plugin.name === 'local' || !Object.hasOwn(plugin.configSchema, 'max_retries')) continue;
    providers[plugin.name] = { ...(providers[plugin.name] ?? {}), max_retries: 0 };
  }
  return { ...loaded, config: { ...loaded.config, remote: { ...loaded.config.remote, providers } } };
}

const isCode = (error: unknown, suffix: string): boolean =>
  AgentkernelError.isInstance(error) && error.code.endsWith(suffix);

async function probeProvider(rt: Runtime, loaded: LoadedConfig, plugin: BackendPlugin): Promise<Finding> {
  const check = `online ${plugin.name}`;
  const env = rt.io.env;
  if (!plugin.capabilities.list)
    return { status: 'skip', check, detail: 'not called: the plugin has no list call to check access with' };
  try {
    const backend = await rt.backend(plugin.name);
    // Listing is the cheapest call every provider authenticates.
    const found = await backend.list?.();
    const count = found === undefined ? '' : ` (${found.length} sandbox${found.length === 1 ? '' : 'es'})`;
    return {
      status: 'ok',
      check,
      detail: `${endpointOf(plugin, loaded, env)} reachable, credentials accepted${count}`,
    };
  } catch (error) {
    const detail = AgentkernelError.isInstance(error) ? error.detail : String(error);
    if (isCode(error, '_AUTH'))
      return {
        status: 'fail',
        check,
        detail: `${plugin.name} rejected the credentials: ${credentialNames(plugin, loaded, env)}`,
        code: 3,
      };
    if (isCode(error, '_UNAVAILABLE'))
      return {
        status: 'fail',
        check,
        detail: `${endpointOf(plugin, loaded, env)} unreachable: ${detail}`,
        code: 3,
      };
    return { status: 'fail', check, detail: `listing sandboxes failed: ${detail}`, code: 3 };
  }
}

/** Calls every configured provider with its credentials, all at once. */
export const providerAccess: OnlineCheck = {
  title: 'provider credentials and reachability',
  async run(rt, loaded) {
    const providers = await configuredProviders(rt, loaded);
    if (providers.length === 0)
      return [
        { status: 'skip', check: 'online', detail: 'no provider has its credentials set; nothing to call' },
      ];
    return Promise.all(providers.map((plugin) => probeProvider(rt, loaded, plugin)));
  },
};

export const ONLINE_CHECKS: readonly OnlineCheck[] = [providerAccess];

/** With `--online`, every online check's findings; without it, one line naming what was skipped. */
export async function onlineFindings(rt: Runtime, loaded: LoadedConfig, online: boolean): Promise<Finding[]> {
  if (!online)
    return [
      {
        status: 'skip',
        check: 'online',
        detail: `skipped: ${ONLINE_CHECKS.map((check) => check.title).join('; ')} (run doctor --online)`,
      },
    ];
  return (await Promise.all(ONLINE_CHECKS.map((check) => check.run(rt, loaded)))).flat();
}
