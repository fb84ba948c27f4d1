import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createSandboxFolders,
  LiveEnvironment,
  ProcessTable,
  randomId,
  randomToken,
} from '@agentkernel/fake-kit';
import { E2B_LAYOUT } from './layout.js';

/** The `ProcessConfig` of a started process, as envd reports it back. */
export interface ProcessConfig {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly envs: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Started with a PTY: input is typed at its terminal, its output is `pty` data. */
  readonly pty?: true;
}

/** The envd version the fake reports; the SDK gates features on it (octet-stream upload needs 0.5.7). */
export const FAKE_ENVD_VERSION = '0.5.7';

export type FakeSandboxState = 'running' | 'paused';

/** One sandbox of the fake, as the REST API and envd see it. */
export interface FakeSandbox {
  readonly sandboxID: string;
  readonly templateID: string;
  readonly alias: string | undefined;
  readonly clientID: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly envVars: Readonly<Record<string, string>>;
  readonly envdAccessToken: string;
  readonly allowInternetAccess: boolean;
  readonly autoPause: boolean;
  readonly autoResume: boolean;
  readonly startedAt: Date;
  readonly cpuCount: number;
  readonly memoryMB: number;
  endAt: Date;
  state: FakeSandboxState;
  /** The host folder holding everything the sandbox wrote outside the read-only system folders. */
  readonly root: string;
  readonly processes: ProcessTable<ProcessConfig>;
  /** The machine its commands run in: what they leave in the background keeps running. */
  readonly environment: LiveEnvironment;
}

/** A native snapshot: a frozen copy of a sandbox's folder, usable as a template. */
export interface FakeSnapshot {
  readonly snapshotID: string;
  readonly names: readonly string[];
  readonly sandboxID: string;
  readonly root: string;
  readonly envVars: Readonly<Record<string, string>>;
}

export interface CreateRequest {
  templateID: string;
  metadata: Record<string, string>;
  envVars: Record<string, string>;
  timeoutSeconds: number;
  allowInternetAccess: boolean;
  autoPause: boolean;
  autoResume: boolean;
}

/** The sandboxes and snapshots of one fake, with their folders under `dataDir`. */
export class FakeState {
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly snapshots = new Map<string, FakeSnapshot>();

  constructor(
    readonly dataDir: string,
    private readonly templates: ReadonlySet<string>,
    private readonly clientID: string,
  ) {}

  /** The snapshot a template reference names (its id, one of its names, or a name without namespace or tag). */
  findSnapshot(reference: string): FakeSnapshot | undefined {
    const direct = this.snapshots.get(reference);
    if (direct !== undefined) return direct;
    for (const snapshot of this.snapshots.values()) {
      if (snapshot.names.some((name) => name === reference || shortName(name) === shortName(reference)))
        return snapshot;
    }
    return undefined;
  }

  knowsTemplate(reference: string): boolean {
    return this.templates.has(reference) || this.findSnapshot(reference) !== undefined;
  }

  async create(request: CreateRequest, now = new Date()): Promise<FakeSandbox> {
    const sandboxID = `i${randomId(19)}`;
    const root = join(this.dataDir, 'sandboxes', sandboxID);
    const snapshot = this.findSnapshot(request.templateID);
    if (snapshot === undefined) {
      await createSandboxFolders(root, E2B_LAYOUT);
    } else {
      await cp(snapshot.root, root, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    }
    const sandbox: FakeSandbox = {
      sandboxID,
      templateID: snapshot?.snapshotID ?? request.templateID,
      alias: snapshot === undefined ? request.templateID : undefined,
      clientID: this.clientID,
      metadata: { ...request.metadata },
      envVars: { ...snapshot?.envVars, ...request.envVars },
      envdAccessToken: randomToken(),
      allowInternetAccess: request.allowInternetAccess,
      autoPause: request.autoPause,
      autoResume: request.autoResume,
      startedAt: now,
      cpuCount: 2,
      memoryMB: 512,
      endAt: new Date(now.getTime() + request.timeoutSeconds * 1000),
      state: 'running',
      root,
      processes: new ProcessTable<ProcessConfig>(),
      environment: new LiveEnvironment(join(this.dataDir, 'environments', sandboxID)),
    };
    this.sandboxes.set(sandboxID, sandbox);
    return sandbox;
  }

  /**
   * Returns the sandbox after applying its timeout: an expired sandbox is paused (auto-pause) or
   * killed, as E2B does. Undefined when it does not exist (any more).
   */
  async get(sandboxID: string, now = new Date()): Promise<FakeSandbox | undefined> {
    const sandbox = this.sandboxes.get(sandboxID);
    if (sandbox === undefined) return undefined;
    if (sandbox.state === 'running' && now >= sandbox.endAt) {
      if (sandbox.autoPause) await this.pause(sandbox);
      else {
        await this.kill(sandbox);
        return undefined;
      }
    }
    return sandbox;
  }

  /** Every live sandbox, timeouts applied. */
  async all(now = new Date()): Promise<FakeSandbox[]> {
    const out: FakeSandbox[] = [];
    for (const id of [...this.sandboxes.keys()]) {
      const sandbox = await this.get(id, now);
      if (sandbox !== undefined) out.push(sandbox);
    }
    return out;
  }

  async kill(sandbox: FakeSandbox): Promise<void> {
    this.sandboxes.delete(sandbox.sandboxID);
    await sandbox.processes.killAll();
    await sandbox.environment.stop();
    await rm(sandbox.root, { recursive: true, force: true });
  }

  /** Pausing keeps the files; running processes end (the fake cannot keep a process's memory). */
  async pause(sandbox: FakeSandbox): Promise<void> {
    sandbox.state = 'paused';
    await sandbox.processes.killAll();
    await sandbox.environment.stop();
  }

  resume(sandbox: FakeSandbox, timeoutSeconds: number, now = new Date()): void {
    sandbox.state = 'running';
    sandbox.endAt = new Date(now.getTime() + timeoutSeconds * 1000);
  }

  /** Sets a running sandbox's end to `timeoutSeconds` from now. */
  setTimeout(sandbox: FakeSandbox, timeoutSeconds: number, now = new Date()): void {
    sandbox.endAt = new Date(now.getTime() + timeoutSeconds * 1000);
  }

  /**
   * Copies the sandbox's folder into a snapshot. A name that exists already gets a new build of the
   * same snapshot, as E2B assigns a new build to the existing template.
   */
  async snapshot(sandbox: FakeSandbox, name: string | undefined): Promise<FakeSnapshot> {
    const existing = name === undefined ? undefined : this.findSnapshot(name);
    const snapshotID = existing?.snapshotID ?? randomId(20);
    const root = join(this.dataDir, 'snapshots', snapshotID);
    await rm(root, { recursive: true, force: true });
    await cp(sandbox.root, root, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    const snapshot: FakeSnapshot = {
      snapshotID,
      names: name === undefined ? [] : [`fake-team/${name}:default`],
      sandboxID: sandbox.sandboxID,
      root,
      envVars: sandbox.envVars,
    };
    this.snapshots.set(snapshotID, snapshot);
    return snapshot;
  }

  async deleteSnapshot(snapshot: FakeSnapshot): Promise<void> {
    this.snapshots.delete(snapshot.snapshotID);
    await rm(snapshot.root, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    for (const sandbox of this.sandboxes.values()) {
      await sandbox.processes.killAll();
      await sandbox.environment.stop();
    }
  }
}

/** `team/name:tag` → `name`. */
function shortName(reference: string): string {
  const withoutTeam = reference.includes('/') ? reference.slice(reference.lastIndexOf('/') + 1) : reference;
  return withoutTeam.includes(':') ? withoutTeam.slice(0, withoutTeam.indexOf(':')) : withoutTeam;
}
