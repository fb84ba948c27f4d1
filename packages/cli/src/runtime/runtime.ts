import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatConfigIssue,
  isExpired,
  loadConfig,
  messageOf,
  openBackend,
  PluginLoader,
  resolveHome,
  SandboxExpiredError,
  StateStore,
  UsageError,
  type AuditEvent,
  type Backend,
  type Discovery,
  type LoadConfigOptions,
  type LoadedConfig,
  type LoadedPlugin,
  type PluginCandidate,
  type SandboxHandle,
  type SandboxRecord,
} from '@agentkernel/core';
import type { GlobalArgs } from '../commands/types.js';
import type { Io } from '../output/io.js';
import { Output } from '../output/output.js';
import { nameSandboxesIn } from './sandbox-names.js';

/** The nearest folder from `dir` upward that holds a package.json. */
function packageDirOf(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'package.json'))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * Where discovery looks for the CLI's own dependencies and for plugins installed beside it. Node gives
 * this module its resolved path, but the CLI may be started through a link into a `node_modules` that
 * holds the plugins too: the set-up script's launcher runs the checkout's `node_modules/@agentkernel/cli`
 * (beside every workspace plugin), and package managers link global installs. So the path we were started
 * by wins when it leads to this same package.
 */
function cliDir(): string {
  const own = fileURLToPath(new URL('.', import.meta.url));
  const started = process.argv[1];
  const ownPackage = packageDirOf(own);
  const startedPackage = started === undefined ? undefined : packageDirOf(dirname(started));
  if (ownPackage === undefined || startedPackage === undefined) return own;
  try {
    return realpathSync(startedPackage) === realpathSync(ownPackage) ? startedPackage : own;
  } catch {
    return own;
  }
}

/** A sandbox found again from state: its record, its opened backend and a live handle. */
export interface Connected {
  readonly record: SandboxRecord;
  readonly backend: Backend;
  readonly handle: SandboxHandle;
}

/**
 * Everything a command needs, each piece built on first use and kept for the length of the command:
 * a command that only lists plugins never opens a backend.
 */
export interface RuntimeOptions {
  /**
   * Where sandbox records, sync manifests and snapshots live, instead of `$AGENTKERNEL_HOME` itself.
   * The bridge keeps its own under `$AGENTKERNEL_HOME/bridge`, because agentkernel's Rust CLI writes its
   * own records of the same sandboxes to `$AGENTKERNEL_HOME/sandboxes/<name>.json`.
   */
  readonly stateHome?: string;
}

export class Runtime {
  readonly io: Io;
  readonly args: GlobalArgs;
  readonly out: Output;
  #config: Promise<LoadedConfig> | undefined;
  #loader: Promise<PluginLoader> | undefined;
  #state: StateStore | undefined;
  readonly #backends = new Map<string, Promise<Backend>>();
  readonly #named = new Map<string, SandboxRecord>();
  readonly #stateHome: string | undefined;

  constructor(args: GlobalArgs, io: Io, options: RuntimeOptions = {}) {
    this.io = io;
    this.args = args;
    this.out = new Output(io, args);
    this.#stateHome = options.stateHome;
  }

  /** Where the config comes from for this command: the files, the user-level config and `--isolation`. */
  configOptions(): LoadConfigOptions {
    return {
      cwd: this.io.cwd,
      env: this.io.env,
      ...(this.args.config === undefined ? {} : { configPath: this.args.config }),
      ...(this.args.isolation === undefined ? {} : { isolation: this.args.isolation }),
    };
  }

  /** The effective config; its warnings are printed once. */
  config(): Promise<LoadedConfig> {
    this.#config ??= loadConfig(this.configOptions()).then((loaded) => {
      for (const warning of loaded.warnings) this.out.warn(formatConfigIssue(warning));
      return loaded;
    });
    return this.#config;
  }

  /** Uses an already loaded config (doctor loads it itself, to report rather than throw). */
  adoptConfig(loaded: LoadedConfig): void {
    this.#config = Promise.resolve(loaded);
  }

  get home(): string {
    return resolveHome(this.io.env);
  }

  /** The folder this runtime's sandbox records live in. */
  get stateDir(): string {
    return this.#stateHome ?? this.home;
  }

  state(): StateStore {
    this.#state ??= new StateStore(this.stateDir);
    return this.#state;
  }

  /** Records an event in the audit log; a log that cannot be written is a warning, never a failure. */
  async audit(event: AuditEvent): Promise<void> {
    const log = this.state().audit;
    await log.append(event).catch((error: unknown) => {
      this.out.warn(`could not write the audit log ${log.file}: ${messageOf(error)}`);
    });
  }

  /** The backend new sandboxes go to: `--backend`, else `[sandbox] backend`, else `local`. */
  async defaultBackend(): Promise<string> {
    return this.args.backend ?? (await this.config()).config.sandbox.backend ?? 'local';
  }

  #pluginLoader(): Promise<PluginLoader> {
    this.#loader ??= this.config().then(
      (loaded) =>
        new PluginLoader({
          projectDir: loaded.projectRoot,
          cliDir: cliDir(),
          paths: loaded.config.plugins.paths,
        }),
    );
    return this.#loader;
  }

  async discovery(): Promise<Discovery> {
    return (await this.#pluginLoader()).discover();
  }

  /** Imports every discovered plugin; one that fails is a warning, never an exception. */
  async loadAllPlugins(): Promise<{ loaded: LoadedPlugin[]; warnings: string[] }> {
    return (await this.#pluginLoader()).loadAll();
  }

  async loadCandidate(candidate: PluginCandidate): Promise<LoadedPlugin> {
    return (await this.#pluginLoader()).loadCandidate(candidate);
  }

  async plugin(backend: string): Promise<LoadedPlugin> {
    return (await this.#pluginLoader()).load(backend);
  }

  /** Opens a backend (once per command): imports its plugin, resolves its config and credentials. */
  backend(name: string): Promise<Backend> {
    let opening = this.#backends.get(name);
    if (opening === undefined) {
      opening = (async () => {
        const [{ plugin }, loaded, discovery] = await Promise.all([
          this.plugin(name),
          this.config(),
          this.discovery(),
        ]);
        this.out.debug(`opening backend ${plugin.name} ${plugin.version}`);
        const otherBackends = discovery.plugins
          .filter(
            (candidate) =>
              candidate.name !== plugin.name && candidate.status !== 'stub' && !candidate.problem,
          )
          .map((candidate) => candidate.name);
        return openBackend(plugin, {
          loaded,
          env: this.io.env,
          home: this.home,
          logger: this.out.logger(),
          otherBackends,
        });
      })();
      this.#backends.set(name, opening);
    }
    return opening;
  }

  /**
   * The sandbox a command is about: the name given, else `[sandbox] name` of agentkernel.toml, else a
   * usage error saying how to name one.
   */
  async sandboxName(given: unknown, command: string): Promise<string> {
    if (typeof given === 'string' && given !== '') return given;
    const configured = (await this.config()).config.sandbox.name;
    if (configured !== undefined) return configured;
    throw new UsageError(`name a sandbox: agentkernel ${command} NAME`, {
      hint: 'or set [sandbox] name in agentkernel.toml; see them with: agentkernel sandbox list',
    });
  }

  /**
   * Finds a recorded sandbox and reconnects to it on the backend it was created on. A sandbox whose TTL
   * has passed is refused (`SandboxExpiredError`) unless `expired: 'allow'`: what inspects, stops,
   * extends or removes a sandbox allows it; what runs commands in it or moves files does not.
   */
  async connect(name: string, options: { readonly expired?: 'allow' | 'refuse' } = {}): Promise<Connected> {
    const record = await this.state().requireSandbox(name);
    if (options.expired !== 'allow' && isExpired(record))
      throw new SandboxExpiredError(name, record.expiresAt ?? '');
    if (this.args.backend !== undefined && this.args.backend !== record.backend) {
      throw new UsageError(
        `sandbox "${name}" lives on backend "${record.backend}"; --backend ${this.args.backend} does not apply to it`,
        {
          hint: `drop --backend, or use snapshot take + snapshot restore -B ${this.args.backend} to move it`,
        },
      );
    }
    this.#named.set(record.ref.id, record);
    const backend = await this.backend(record.backend);
    const handle = await backend.reconnect(record.ref);
    return { record, backend, handle };
  }

  /** Lets error messages about this sandbox's provider id name the sandbox instead. */
  knowSandbox(record: SandboxRecord): void {
    this.#named.set(record.ref.id, record);
  }

  /** `error` with the sandboxes this command touched named, not only their provider ids. */
  namingSandboxes(error: unknown): unknown {
    return nameSandboxesIn(error, this.#named.values());
  }

  /** Releases every opened backend's clients. */
  async close(): Promise<void> {
    const opened = await Promise.allSettled([...this.#backends.values()]);
    const closing = opened.flatMap((result) =>
      result.status === 'fulfilled' && result.value.close ? [result.value.close()] : [],
    );
    await Promise.allSettled(closing);
  }
}

/**
 * Runs a command body with a runtime, closing backends however it ends. The config is read first, so a
 * broken `agentkernel.toml` (or a `-c` naming no file) is reported by every command alike; the commands
 * that report config problems themselves (`config validate`, `doctor`) opt out.
 */
export async function withRuntime(
  args: GlobalArgs,
  io: Io,
  body: (runtime: Runtime) => Promise<number | void>,
  options: { readonly loadConfig?: boolean } = {},
): Promise<number | void> {
  const runtime = new Runtime(args, io);
  try {
    if (options.loadConfig !== false) await runtime.config();
    return await body(runtime);
  } catch (error) {
    throw runtime.namingSandboxes(error);
  } finally {
    await runtime.close();
  }
}
