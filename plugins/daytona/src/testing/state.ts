import { randomUUID } from 'node:crypto';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createSandboxFolders } from '@agentkernel/fake-kit';
import { DAYTONA_LAYOUT } from './layout.js';
import type { SessionTable } from './sessions.js';
import type { PtyTable } from './pty.js';

/** The sandbox states the fake moves through (a subset of Daytona's `SandboxState`). */
export type FakeSandboxState = 'started' | 'stopped' | 'snapshotting';

/** One sandbox of the fake, as the REST API and the toolbox see it. */
export interface FakeSandbox {
  readonly id: string;
  readonly name: string;
  readonly organizationId: string;
  readonly target: string;
  /** The snapshot it was created from, or the image it was asked to build from. */
  readonly snapshot: string | undefined;
  readonly image: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  labels: Record<string, string>;
  readonly public: boolean;
  readonly networkBlockAll: boolean;
  readonly cpu: number;
  readonly memory: number;
  readonly disk: number;
  readonly autoStopInterval: number;
  /** When Daytona destroys it whatever its state (`ttlMinutes`, `setTtl`); absent: no TTL. */
  autoDestroyAt?: string;
  readonly createdAt: string;
  updatedAt: string;
  state: FakeSandboxState;
  /** The host folder holding the sandbox's disk (`<root>/workspace` is `/workspace`). */
  readonly root: string;
  readonly sessions: SessionTable;
  readonly ptys: PtyTable;
  /** Secret of the sandbox's preview links. */
  readonly previewToken: string;
}

/** A native snapshot: a frozen copy of a sandbox's disk. */
export interface FakeSnapshot {
  readonly id: string;
  /** `pending` while the disk is being copied, then `active`. */
  state: 'pending' | 'active';
  readonly name: string;
  readonly sourceSandboxId: string;
  readonly root: string;
  readonly cpu: number;
  readonly mem: number;
  readonly disk: number;
  readonly createdAt: string;
}

/** What `create` asks for: some of the sandbox's own fields, and where its disk and lifetime come from. */
export interface CreateRequest extends Pick<
  FakeSandbox,
  'image' | 'public' | 'networkBlockAll' | 'cpu' | 'memory' | 'disk' | 'autoStopInterval' | 'target'
> {
  readonly name: string | undefined;
  readonly snapshot: FakeSnapshot | undefined;
  readonly snapshotName: string | undefined;
  readonly env: Record<string, string>;
  readonly labels: Record<string, string>;
  /** Minutes until it is destroyed; 0 or absent: never. */
  readonly ttlMinutes?: number;
}

/** The sandboxes and snapshots of one fake, with their folders under `dataDir`. */
export class FakeState {
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly snapshots = new Map<string, FakeSnapshot>();
  private readonly signed = new Map<string, { sandboxId: string; port: number; expiresAt: number }>();

  constructor(
    readonly dataDir: string,
    readonly organizationId: string,
    /** Snapshot names `create` accepts besides the fake's own snapshots (Daytona's default ones). */
    readonly knownImages: ReadonlySet<string>,
    private readonly tables: (sandbox: Pick<FakeSandbox, 'id' | 'root'>) => {
      sessions: SessionTable;
      ptys: PtyTable;
    },
  ) {}

  /** A sandbox by id or by name (Daytona accepts either). */
  find(idOrName: string): FakeSandbox | undefined {
    return (
      this.sandboxes.get(idOrName) ??
      [...this.sandboxes.values()].find((sandbox) => sandbox.name === idOrName)
    );
  }

  findSnapshot(idOrName: string): FakeSnapshot | undefined {
    return (
      this.snapshots.get(idOrName) ??
      [...this.snapshots.values()].find((snapshot) => snapshot.name === idOrName)
    );
  }

  async create(request: CreateRequest): Promise<FakeSandbox> {
    const id = randomUUID();
    const root = join(this.dataDir, 'sandboxes', id);
    if (request.snapshot === undefined) await createSandboxFolders(root, DAYTONA_LAYOUT);
    else
      await cp(request.snapshot.root, root, {
        recursive: true,
        verbatimSymlinks: true,
        preserveTimestamps: true,
      });
    const now = new Date().toISOString();
    const sandbox: FakeSandbox = {
      id,
      name: request.name ?? id,
      organizationId: this.organizationId,
      target: request.target,
      snapshot: request.snapshot?.name ?? request.snapshotName,
      image: request.image,
      env: { ...request.env },
      labels: { ...request.labels },
      public: request.public,
      networkBlockAll: request.networkBlockAll,
      cpu: request.cpu,
      memory: request.memory,
      disk: request.disk,
      autoStopInterval: request.autoStopInterval,
      ...(request.ttlMinutes ? { autoDestroyAt: minutesFromNow(request.ttlMinutes) } : {}),
      createdAt: now,
      updatedAt: now,
      state: 'started',
      root,
      previewToken: randomUUID(),
      ...this.tables({ id, root }),
    };
    this.sandboxes.set(id, sandbox);
    return sandbox;
  }

  /** Stopping keeps the disk; every process ends (the fake cannot keep a process's memory). */
  async stop(sandbox: FakeSandbox): Promise<void> {
    sandbox.state = 'stopped';
    sandbox.updatedAt = new Date().toISOString();
    await sandbox.sessions.closeAll();
    sandbox.ptys.closeAll();
  }

  start(sandbox: FakeSandbox): void {
    sandbox.state = 'started';
    sandbox.updatedAt = new Date().toISOString();
  }

  /** Re-anchors a sandbox's TTL from now, as `POST /sandbox/{id}/ttl/{minutes}` does; 0 removes it. */
  setTtl(sandbox: FakeSandbox, minutes: number): void {
    if (minutes === 0) delete sandbox.autoDestroyAt;
    else sandbox.autoDestroyAt = minutesFromNow(minutes);
    sandbox.updatedAt = new Date().toISOString();
  }

  /** Destroys every sandbox whose TTL has passed, as Daytona does in any state; run before each request. */
  async destroyExpired(now = Date.now()): Promise<void> {
    for (const sandbox of [...this.sandboxes.values()]) {
      if (sandbox.autoDestroyAt !== undefined && Date.parse(sandbox.autoDestroyAt) <= now)
        await this.destroy(sandbox);
    }
  }

  async destroy(sandbox: FakeSandbox): Promise<void> {
    this.sandboxes.delete(sandbox.id);
    await sandbox.sessions.closeAll();
    sandbox.ptys.closeAll();
    await rm(sandbox.root, { recursive: true, force: true });
  }

  /**
   * Copies the sandbox's disk into a snapshot, which exists (`pending`) from the start, as Daytona's
   * does; the sandbox shows `snapshotting` meanwhile. Resolves once the copy is done.
   */
  async snapshot(sandbox: FakeSandbox, name: string): Promise<FakeSnapshot> {
    const id = randomUUID();
    const snapshot: FakeSnapshot = {
      id,
      state: 'pending',
      name,
      sourceSandboxId: sandbox.id,
      root: join(this.dataDir, 'snapshots', id),
      cpu: sandbox.cpu,
      mem: sandbox.memory,
      disk: sandbox.disk,
      createdAt: new Date().toISOString(),
    };
    this.snapshots.set(id, snapshot);
    sandbox.state = 'snapshotting';
    try {
      await cp(sandbox.root, snapshot.root, {
        recursive: true,
        verbatimSymlinks: true,
        preserveTimestamps: true,
      });
      snapshot.state = 'active';
    } catch (error) {
      this.snapshots.delete(id);
      throw error;
    } finally {
      if (this.sandboxes.has(sandbox.id)) sandbox.state = 'started';
    }
    return snapshot;
  }

  async deleteSnapshot(snapshot: FakeSnapshot): Promise<void> {
    this.snapshots.delete(snapshot.id);
    await rm(snapshot.root, { recursive: true, force: true });
  }

  /** A signed preview token for one port, valid for `seconds`. */
  signPreview(sandbox: FakeSandbox, port: number, seconds: number): string {
    const token = randomUUID().replaceAll('-', '');
    this.signed.set(token, { sandboxId: sandbox.id, port, expiresAt: Date.now() + seconds * 1000 });
    return token;
  }

  /** The sandbox and port a signed preview token opens, while it is valid. */
  signedPreview(token: string): { sandbox: FakeSandbox; port: number } | undefined {
    const entry = this.signed.get(token);
    if (entry === undefined || entry.expiresAt < Date.now()) return undefined;
    const sandbox = this.sandboxes.get(entry.sandboxId);
    return sandbox === undefined ? undefined : { sandbox, port: entry.port };
  }

  async close(): Promise<void> {
    for (const sandbox of this.sandboxes.values()) {
      await sandbox.sessions.closeAll();
      sandbox.ptys.closeAll();
    }
  }
}

const minutesFromNow = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();
