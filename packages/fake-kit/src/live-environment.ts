import { mkdir } from 'node:fs/promises';
import {
  environmentAlive,
  startEnvironment,
  stopEnvironment,
  type EnvironmentRecord,
} from '@agentkernel/core/isolation';
import { writableMounts } from './layout.js';
import type { SpawnTarget } from './sandbox-spawn.js';

/**
 * The running environment of one fake sandbox: a provider's sandbox is a machine, so what a command
 * leaves in the background (`nohup server &`) keeps running after it, until the sandbox is paused or
 * killed. Every command of the sandbox joins this environment (core's live environments, as the local
 * backend uses); it starts with the first command. With internet access it shares this machine's
 * network, so the fake's edge reaches a sandbox's servers on 127.0.0.1.
 */
export class LiveEnvironment {
  #starting: Promise<EnvironmentRecord> | undefined;

  /** `stateDir` is a folder of the fake's own, outside every folder the sandbox can write. */
  constructor(private readonly stateDir: string) {}

  /** The environment, started when there is none or it ended (the sandbox killed its own init). */
  async ensure(target: Omit<SpawnTarget, 'environment'>): Promise<EnvironmentRecord> {
    const current = await this.#starting?.catch(() => undefined);
    if (current !== undefined && environmentAlive(current)) return current;
    if (current !== undefined) await stopEnvironment(current);
    this.#starting = this.#start(target);
    return this.#starting;
  }

  async #start(target: Omit<SpawnTarget, 'environment'>): Promise<EnvironmentRecord> {
    const [workspace, ...others] = writableMounts(target.root, target.layout);
    if (workspace === undefined) throw new Error('a sandbox layout needs at least one writable folder');
    await mkdir(this.stateDir, { recursive: true });
    return startEnvironment({
      root: workspace.hostPath,
      workspaceDir: workspace.sandboxPath,
      binds: others.map((mount) => ({ hostPath: mount.hostPath, sandboxPath: mount.sandboxPath })),
      network: target.network,
      hostNetwork: true,
      procDir: target.procDir,
      backend: target.backend,
      stateDir: this.stateDir,
      hostname: 'sandbox',
    });
  }

  /** Ends the environment and every process in it; a later command starts a fresh one. */
  async stop(): Promise<void> {
    const current = await this.#starting?.catch(() => undefined);
    this.#starting = undefined;
    if (current !== undefined) await stopEnvironment(current);
  }
}
