import type { BackendPlugin } from '../contract/backend.js';
import { AgentkernelError, messageOf } from '../errors/errors.js';
import { discoverPlugins } from './discover.js';
import { findCandidate } from './find.js';
import { loadPlugin, type LoadOptions } from './load.js';
import type { DiscoverOptions, Discovery, PluginCandidate } from './types.js';

export interface LoadedPlugin {
  candidate: PluginCandidate;
  plugin: BackendPlugin;
}

/**
 * Discovers once and imports each plugin at most once per process, when it is first asked for. What
 * the CLI holds for the length of a command.
 */
export class PluginLoader {
  readonly #options: DiscoverOptions & LoadOptions;
  #discovery: Promise<Discovery> | undefined;
  readonly #loaded = new Map<string, Promise<LoadedPlugin>>();

  constructor(options: DiscoverOptions & LoadOptions) {
    this.#options = options;
  }

  /** The discovery result, computed on first call. */
  discover(): Promise<Discovery> {
    this.#discovery ??= discoverPlugins(this.#options);
    return this.#discovery;
  }

  /** Finds (see `findCandidate`) and imports the plugin a `--backend` value designates. */
  async load(backend: string): Promise<LoadedPlugin> {
    return this.loadCandidate(findCandidate(await this.discover(), backend));
  }

  /** Imports one discovered candidate (cached; a failed import is retried on the next call). */
  loadCandidate(candidate: PluginCandidate): Promise<LoadedPlugin> {
    const key = `${candidate.packageName}\0${candidate.dir}`;
    let loading = this.#loaded.get(key);
    if (loading === undefined) {
      loading = loadPlugin(candidate, this.#options).then((plugin) => ({ candidate, plugin }));
      loading.catch(() => this.#loaded.delete(key));
      this.#loaded.set(key, loading);
    }
    return loading;
  }

  /**
   * Imports every discovered plugin, for `plugins list --verbose` and `doctor`: a plugin that fails is a
   * warning beside discovery's own, never an exception.
   */
  async loadAll(): Promise<{ loaded: LoadedPlugin[]; warnings: string[] }> {
    const discovery = await this.discover();
    const results = await Promise.allSettled(discovery.plugins.map((c) => this.loadCandidate(c)));
    const loaded: LoadedPlugin[] = [];
    const warnings = [...discovery.warnings];
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        loaded.push(result.value);
        return;
      }
      const candidate = discovery.plugins[index];
      // Problems known from package.json alone were reported by discovery already.
      if (candidate?.problem !== undefined) return;
      const error: unknown = result.reason;
      warnings.push(AgentkernelError.isInstance(error) ? error.detail : messageOf(error));
    });
    return { loaded, warnings };
  }
}
