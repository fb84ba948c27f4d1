import { EventEmitter, once } from 'node:events';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { IsolatedProcess } from '@agentkernel/core/isolation';
import { FakeExecution } from './executions.js';
import { createSandboxFolders, randomId, spawnInSandbox, type SandboxLayout } from '@agentkernel/fake-kit';

export type DevboxStatus =
  | 'provisioning'
  | 'initializing'
  | 'running'
  | 'suspending'
  | 'suspended'
  | 'resuming'
  | 'failure'
  | 'shutdown';

/** Runloop's default user and its home, where commands start and relative file paths point. */
export const DEVBOX_USER = 'user';
export const DEVBOX_HOME = '/home/user';

/** A devbox as the fake keeps it: the folders that persist across commands, like a VM's disk. */
const LAYOUT: SandboxLayout = {
  writable: ['/workspace', DEVBOX_HOME, '/tmp'],
  home: DEVBOX_HOME,
  user: DEVBOX_USER,
};

export interface TunnelState {
  readonly tunnel_key: string;
  readonly auth_mode: 'open' | 'authenticated';
  readonly auth_token: string | null;
  readonly create_time_ms: number;
  readonly http_keep_alive: boolean;
  readonly wake_on_http: boolean;
}

/** One devbox of the fake. */
export interface FakeDevbox {
  readonly id: string;
  readonly name: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly launchParameters: Readonly<Record<string, unknown>>;
  readonly blueprintId: string | null;
  readonly snapshotId: string | null;
  readonly createTimeMs: number;
  status: DevboxStatus;
  endTimeMs: number | null;
  shutdownReason: string | null;
  tunnel: TunnelState | undefined;
  readonly transitions: { status: DevboxStatus; transition_time_ms: number }[];
  /** The host folder holding the devbox's disk. */
  readonly root: string;
  readonly executions: Map<string, FakeExecution>;
  /** Executions started through `execute` by their `command_id`, so a retried request runs nothing twice. */
  readonly byCommandId: Map<string, FakeExecution>;
  readonly events: EventEmitter;
}

export interface FakeDiskSnapshot {
  readonly id: string;
  readonly name: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly sourceDevboxId: string;
  readonly createTimeMs: number;
  readonly environmentVariables: Readonly<Record<string, string>>;
  status: 'in_progress' | 'complete' | 'error' | 'deleted';
  readonly root: string;
}

export interface CreateRequest {
  readonly name: string | null;
  readonly metadata: Record<string, string>;
  readonly environmentVariables: Record<string, string>;
  readonly launchParameters: Record<string, unknown>;
  readonly blueprintId: string | null;
  readonly snapshot: FakeDiskSnapshot | undefined;
}

/** Timings of the fake, in milliseconds. */
export interface Timings {
  /** How long a devbox takes to boot, suspend or resume. */
  readonly transitionMs: number;
  /** How long `wait_for_status` and `create_and_await_running` hold a request before a 408. */
  readonly longPollMs: number;
}

/** The devboxes and disk snapshots of one fake, with their disks under `dataDir`. */
export class FakeState {
  readonly devboxes = new Map<string, FakeDevbox>();
  readonly snapshots = new Map<string, FakeDiskSnapshot>();

  constructor(
    readonly dataDir: string,
    readonly procDir: string,
    readonly timings: Timings,
  ) {}

  private setStatus(devbox: FakeDevbox, status: DevboxStatus): void {
    devbox.status = status;
    devbox.transitions.push({ status, transition_time_ms: Date.now() });
    if (status === 'shutdown' || status === 'failure') devbox.endTimeMs = Date.now();
    devbox.events.emit('status');
  }

  /** Moves a devbox through `passing` to `target` after the transition time, unless something else moved it. */
  private transition(devbox: FakeDevbox, passing: DevboxStatus, target: DevboxStatus): void {
    this.setStatus(devbox, passing);
    setTimeout(() => {
      if (devbox.status === passing) this.setStatus(devbox, target);
    }, this.timings.transitionMs).unref();
  }

  async create(request: CreateRequest): Promise<FakeDevbox> {
    const id = `dbx_${randomId(22)}`;
    const root = join(this.dataDir, 'devboxes', id);
    if (request.snapshot === undefined) {
      await createSandboxFolders(root, LAYOUT);
    } else {
      await cp(request.snapshot.root, root, {
        recursive: true,
        verbatimSymlinks: true,
        preserveTimestamps: true,
      });
    }
    const devbox: FakeDevbox = {
      id,
      name: request.name,
      metadata: { ...request.metadata },
      environmentVariables: { ...request.snapshot?.environmentVariables, ...request.environmentVariables },
      launchParameters: request.launchParameters,
      blueprintId: request.blueprintId,
      snapshotId: request.snapshot?.id ?? null,
      createTimeMs: Date.now(),
      status: 'provisioning',
      endTimeMs: null,
      shutdownReason: null,
      tunnel: undefined,
      transitions: [],
      root,
      executions: new Map(),
      byCommandId: new Map(),
      events: new EventEmitter().setMaxListeners(0),
    };
    this.devboxes.set(id, devbox);
    this.transition(devbox, 'provisioning', 'running');
    return devbox;
  }

  /** Waits up to the long-poll time for the devbox to reach one of `statuses`; false on timeout. */
  async waitForStatus(
    devbox: FakeDevbox,
    statuses: readonly string[],
    signal?: AbortSignal,
  ): Promise<boolean> {
    const deadline = Date.now() + this.timings.longPollMs;
    while (!statuses.includes(devbox.status)) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const timeout = AbortSignal.timeout(left);
      try {
        await once(devbox.events, 'status', {
          signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
        });
      } catch {
        return statuses.includes(devbox.status);
      }
    }
    return true;
  }

  private async stopExecutions(devbox: FakeDevbox): Promise<void> {
    const running = [...devbox.executions.values()].filter((execution) => execution.status !== 'completed');
    for (const execution of running) execution.kill();
    await Promise.all(running.map((execution) => execution.completed(10_000)));
  }

  async suspend(devbox: FakeDevbox): Promise<void> {
    await this.stopExecutions(devbox);
    this.transition(devbox, 'suspending', 'suspended');
  }

  resume(devbox: FakeDevbox): void {
    this.transition(devbox, 'resuming', 'running');
  }

  /** Shuts a devbox down for good: its processes end and its disk is removed; the record stays, as Runloop's does. */
  async shutdown(devbox: FakeDevbox, reason: string): Promise<void> {
    devbox.shutdownReason = reason;
    this.setStatus(devbox, 'shutdown');
    await this.stopExecutions(devbox);
    await rm(devbox.root, { recursive: true, force: true });
  }

  /** Starts `command` under bash in the devbox (as Runloop's shell does), from the user's home. */
  async run(
    devbox: FakeDevbox,
    command: string,
    options: { stdin?: boolean; shellName?: string | null } = {},
  ): Promise<FakeExecution> {
    const process = await this.spawn(devbox, ['bash', '-c', command], options.stdin === true);
    const execution = new FakeExecution(`exe_${randomId(22)}`, devbox.id, options.shellName ?? null, process);
    devbox.executions.set(execution.id, execution);
    return execution;
  }

  /** Spawns `argv` in the devbox through agentkernel's isolation: its disk folders bound, the system read-only. */
  spawn(devbox: FakeDevbox, argv: readonly string[], stdin = false): Promise<IsolatedProcess> {
    // Any network policy shuts the devbox off the network: the fake has no policy engine to do better.
    const network = (devbox.launchParameters.network_policy_id ?? null) === null;
    return spawnInSandbox(
      { root: devbox.root, layout: LAYOUT, network, procDir: this.procDir, backend: 'runloop' },
      { argv, cwd: DEVBOX_HOME, env: devbox.environmentVariables, stdin: stdin ? 'pipe' : 'ignore' },
    );
  }

  /** Copies the devbox's disk into a new snapshot, which completes after the transition time. */
  async snapshot(
    devbox: FakeDevbox,
    name: string | null,
    metadata: Record<string, string>,
  ): Promise<FakeDiskSnapshot> {
    const id = `snp_${randomId(22)}`;
    const root = join(this.dataDir, 'snapshots', id);
    await cp(devbox.root, root, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    const snapshot: FakeDiskSnapshot = {
      id,
      name,
      metadata: { ...metadata },
      sourceDevboxId: devbox.id,
      createTimeMs: Date.now(),
      environmentVariables: devbox.environmentVariables,
      status: 'in_progress',
      root,
    };
    this.snapshots.set(id, snapshot);
    setTimeout(() => {
      if (snapshot.status === 'in_progress') snapshot.status = 'complete';
    }, this.timings.transitionMs).unref();
    return snapshot;
  }

  async deleteSnapshot(snapshot: FakeDiskSnapshot): Promise<void> {
    snapshot.status = 'deleted';
    this.snapshots.delete(snapshot.id);
    await rm(snapshot.root, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    for (const devbox of this.devboxes.values()) await this.stopExecutions(devbox);
  }
}
