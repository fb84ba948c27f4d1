import { readFile, rm } from 'node:fs/promises';
import { atomicWriteFile, BackendError, StateError, withFileLock, type Logger } from '@agentkernel/core';
import {
  environmentAlive,
  killEnvironmentsIn,
  removeSandboxCgroup,
  startEnvironment,
  stopEnvironment,
  type EnvironmentRecord,
  type StartEnvironmentOptions,
} from '@agentkernel/core/isolation';
import { readRecord, type SandboxLayout, type SandboxRecord } from './store.js';
import { BACKEND_NAME } from './name.js';

async function readEnvironment(layout: SandboxLayout): Promise<EnvironmentRecord | undefined> {
  let text: string;
  try {
    text = await readFile(layout.environment, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as EnvironmentRecord;
  } catch (error) {
    // A torn record cannot be: it is written atomically. A damaged one names nothing we could stop.
    throw new StateError(`${layout.environment} is not valid JSON; stop the sandbox to reset it`, {
      backend: BACKEND_NAME,
      cause: error,
    });
  }
}

export function stoppedError(name: string): BackendError {
  return new BackendError(
    BACKEND_NAME,
    `sandbox ${name} is stopped; start it with: agentkernel sandbox start ${name}`,
    { code: 'SANDBOX_STOPPED', hint: `agentkernel sandbox start ${name}` },
  );
}

/**
 * The running environment of a sandbox: one long-lived set of namespaces every command joins, kept in
 * `environment.json` so every process finds the same one. Starting and stopping hold `environment.lock`,
 * so two commands never start two environments and a `stop` never races a start.
 */
export class SandboxEnvironment {
  constructor(
    private readonly layout: SandboxLayout,
    private readonly id: string,
    private readonly logger: Logger,
  ) {}

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.layout.environmentLock, `the environment of sandbox ${this.id}`, fn);
  }

  /**
   * The environment, started first when there is none or it has ended (a reboot, or the sandbox killed
   * its own init); `options` describe the sandbox it must be. Throws when the sandbox was stopped.
   */
  ensure(options: () => Promise<Omit<StartEnvironmentOptions, 'stateDir'>>): Promise<EnvironmentRecord> {
    return this.locked(async () => {
      const current = await readEnvironment(this.layout);
      if (current !== undefined && environmentAlive(current)) return current;
      const record: SandboxRecord | undefined = await readRecord(this.layout.dir, this.id);
      if (record?.status !== 'running') throw stoppedError(record?.name ?? this.id);
      if (current !== undefined) {
        await stopEnvironment(current);
        this.logger.info(
          `the environment of sandbox ${record.name} had ended; started a fresh one (its /tmp and background processes are gone)`,
        );
      }
      const started = await startEnvironment({ ...(await options()), stateDir: this.layout.dir });
      try {
        await atomicWriteFile(this.layout.environment, `${JSON.stringify(started, null, 2)}\n`);
      } catch (error) {
        await stopEnvironment(started);
        throw error;
      }
      return started;
    });
  }

  /** The environment when it runs, without starting one. */
  async current(): Promise<EnvironmentRecord | undefined> {
    const current = await readEnvironment(this.layout).catch(() => undefined);
    return current !== undefined && environmentAlive(current) ? current : undefined;
  }

  /** Ends the environment and every process in it; `before` runs under the same lock (marking the sandbox stopped). */
  stop(before: () => Promise<void>): Promise<void> {
    return this.locked(async () => {
      await before();
      const current = await readEnvironment(this.layout).catch(() => undefined);
      if (current !== undefined) await stopEnvironment(current);
      // One whose starter died before recording it is found by its folder.
      await killEnvironmentsIn(this.layout.dir);
      // Its processes are gone, so the group can go (a busy one is left for the next stop).
      if (current?.cgroup !== undefined) await removeSandboxCgroup(current.cgroup).catch(() => undefined);
      await rm(this.layout.environment, { force: true });
    });
  }
}
