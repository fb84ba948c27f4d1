import { randomBytes } from 'node:crypto';
import { rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  BackendError,
  removeTree,
  SandboxGoneError,
  UsageError,
  type Endpoint,
  type ExecOptions,
  type ExecResult,
  type NativeSnapshotHandle,
  type SandboxHandle,
  type SandboxRef,
  type SandboxStatus,
  type ShellOptions,
  type WriteFileOptions,
} from '@agentkernel/core';
import {
  cgroupSupport,
  createSandboxCgroup,
  killAll,
  runIsolated,
  type EnvironmentRecord,
  type IsolatedProcess,
  type IsolationOptions,
  type ResourceLimits,
} from '@agentkernel/core/isolation';
import { SandboxEnvironment, stoppedError } from './environment.js';
import * as archive from './archive.js';
import { makeWorkspaceDir, readWorkspaceFile, removeWorkspaceFile, writeWorkspaceFile } from './files.js';
import type { Workspace } from './paths.js';
import type { LocalRuntime } from './runtime.js';
import { runShell } from './shell.js';
import { takeSnapshot } from './snapshots.js';
import {
  layoutOf,
  readEnv,
  readRecord,
  writeRecord,
  type SandboxLayout,
  type SandboxRecord,
} from './store.js';
import { BACKEND_NAME } from './name.js';

/** One local sandbox: a folder under the backend's data dir, commands run in it under bubblewrap. */
export class LocalSandbox implements SandboxHandle {
  readonly ref: SandboxRef;
  private readonly layout: SandboxLayout;
  private readonly environment: SandboxEnvironment;

  constructor(
    private readonly runtime: LocalRuntime,
    ref: SandboxRef,
    dir: string,
  ) {
    this.ref = ref;
    this.layout = layoutOf(dir);
    this.environment = new SandboxEnvironment(this.layout, ref.id, runtime.logger);
  }

  private gone(): SandboxGoneError {
    return new SandboxGoneError(BACKEND_NAME, this.ref.id, {
      hint: 'create it again: agentkernel sandbox create',
    });
  }

  private async record(): Promise<SandboxRecord> {
    const record = await readRecord(this.layout.dir, this.ref.id);
    if (record === undefined) throw this.gone();
    return record;
  }

  private async running(): Promise<SandboxRecord> {
    const record = await this.record();
    if (record.status !== 'running') throw stoppedError(record.name);
    return record;
  }

  private workspace(record: SandboxRecord): Workspace {
    return { name: record.name, root: this.layout.workspace, dir: record.workspaceDir };
  }

  private async sandboxOptions(record: SandboxRecord): Promise<IsolationOptions> {
    const bwrapPath = await this.runtime.bwrapPath();
    return {
      root: this.layout.workspace,
      workspaceDir: record.workspaceDir,
      mode: this.runtime.mode,
      network: record.network,
      home: this.layout.home,
      procDir: this.layout.procs,
      backend: BACKEND_NAME,
      ...(this.runtime.searchPath === undefined ? {} : { searchPath: this.runtime.searchPath }),
      ...(bwrapPath === undefined ? {} : { bwrapPath }),
    };
  }

  private async liveEnvironment(record: SandboxRecord): Promise<EnvironmentRecord> {
    return this.environment.ensure(async () => ({
      ...(await this.sandboxOptions(record)),
      ports: record.ports,
      hostname: record.name,
      ...(record.limits === undefined ? {} : { cgroup: await this.cgroup(record, record.limits) }),
    }));
  }

  private async cgroup(record: SandboxRecord, limits: ResourceLimits): Promise<string> {
    const support = await cgroupSupport();
    if ('reason' in support) {
      throw new BackendError(
        'local',
        `sandbox ${record.name} was created with its vCPUs and memory enforced by a cgroup, and cgroups are unavailable now: ${support.reason}`,
        { hint: `recreate the sandbox without --vcpus and --memory, or restore cgroup v2 delegation` },
      );
    }
    return createSandboxCgroup(support, this.ref.id, limits);
  }

  /** Where a command runs: in the sandbox's environment (started when needed) unless isolation is off. */
  private async isolation(record: SandboxRecord): Promise<IsolationOptions> {
    const options = await this.sandboxOptions(record);
    if (this.runtime.mode === 'none') return options;
    return { ...options, environment: await this.liveEnvironment(record) };
  }

  // `stop` from another process may land between our status check and the command's start; the
  // command is recorded before this runs, so one of the two always sees the other.
  private async killUnlessRunning(proc: IsolatedProcess): Promise<void> {
    const record = await readRecord(this.layout.dir, this.ref.id).catch(() => undefined);
    if (record?.status !== 'running') proc.kill();
  }

  private async goneOr(error: unknown): Promise<unknown> {
    return (await this.status()) === 'gone' ? this.gone() : error;
  }

  async status(): Promise<SandboxStatus> {
    try {
      return (await readRecord(this.layout.dir, this.ref.id))?.status ?? 'gone';
    } catch {
      return 'unknown';
    }
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const record = await this.running();
    if (argv.length === 0) throw new UsageError('no command given to exec', { backend: BACKEND_NAME });
    this.runtime.warnUnisolated();
    const env = { ...(await readEnv(this.layout.dir)), ...options.env };
    try {
      return await runIsolated({
        ...(await this.isolation(record)),
        ...options,
        argv,
        env,
        onSpawn: (proc) => void this.killUnlessRunning(proc),
      });
    } catch (error) {
      throw await this.goneOr(error);
    }
  }

  async readFile(path: string): Promise<Buffer> {
    return readWorkspaceFile(this.workspace(await this.record()), path);
  }

  async writeFile(path: string, data: Uint8Array | Readable, options?: WriteFileOptions): Promise<void> {
    await writeWorkspaceFile(this.workspace(await this.record()), path, data, options);
  }

  async removeFile(path: string): Promise<void> {
    await removeWorkspaceFile(this.workspace(await this.record()), path);
  }

  async mkdir(path: string): Promise<void> {
    await makeWorkspaceDir(this.workspace(await this.record()), path);
  }

  async putArchive(dir: string, stream: Readable): Promise<void> {
    const record = await this.running();
    await archive.putArchive(await this.isolation(record), this.workspace(record), dir, stream);
  }

  async getArchive(dir: string, paths?: readonly string[]): Promise<Readable> {
    const record = await this.running();
    return archive.getArchive(await this.isolation(record), this.workspace(record), dir, paths);
  }

  async endpoints(ports: readonly number[]): Promise<Endpoint[]> {
    const record = await this.running();
    if (!record.network) {
      throw new BackendError(
        BACKEND_NAME,
        `sandbox ${record.name} has no network ([security] network = false), so its ports cannot be reached from this machine`,
        { hint: 'recreate the sandbox with [security] network = true' },
      );
    }
    for (const port of ports) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new UsageError(`port ${port} is not a TCP port number (1-65535)`, { backend: BACKEND_NAME });
      }
    }
    if (this.runtime.mode === 'none') {
      // Without isolation a command serves on this machine's own network.
      return ports.map((port) => ({ port, url: `http://127.0.0.1:${port}` }));
    }
    const forwarded = (await this.liveEnvironment(record)).network?.ports ?? [];
    return ports.map((port) => {
      const found = forwarded.find((entry) => entry.port === port);
      if (found === undefined) {
        const declared = record.ports.length === 0 ? 'none' : record.ports.join(', ');
        throw new UsageError(
          `port ${port} of sandbox ${record.name} is not forwarded: only the ports declared at create are (${declared})`,
          { backend: BACKEND_NAME, hint: `recreate the sandbox with --port ${port} (or [network] ports)` },
        );
      }
      return { port, url: `http://127.0.0.1:${found.hostPort}` };
    });
  }

  async stop(): Promise<void> {
    await this.environment.stop(async () => {
      const record = await this.record();
      if (record.status !== 'stopped') await writeRecord(this.layout.dir, { ...record, status: 'stopped' });
    });
    await killAll(this.layout.procs);
  }

  /** Starts a fresh environment (empty `/tmp`, no processes); the workspace and home are kept. */
  async start(): Promise<void> {
    const record = await this.record();
    if (record.status === 'running') return;
    await writeRecord(this.layout.dir, { ...record, status: 'running' });
    await this.isolation({ ...record, status: 'running' });
  }

  async destroy(): Promise<void> {
    const record = await readRecord(this.layout.dir, this.ref.id);
    if (record === undefined) return;
    await this.environment.stop(() => writeRecord(this.layout.dir, { ...record, status: 'stopped' }));
    await killAll(this.layout.procs);
    // Renaming first makes the sandbox gone at once for every process, however long the removal takes.
    const trash = join(
      dirname(this.layout.dir),
      `.destroying-${this.ref.id}-${randomBytes(4).toString('hex')}`,
    );
    try {
      await rename(this.layout.dir, trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new BackendError(BACKEND_NAME, `cannot remove sandbox ${record.name} at ${this.layout.dir}`, {
        cause: error,
      });
    }
    // A command that started between the two kills was recorded in the folder we just moved.
    await killAll(layoutOf(trash).procs);
    await removeTree(trash);
  }

  async snapshot(name: string): Promise<NativeSnapshotHandle> {
    const record = await this.record();
    return takeSnapshot(this.runtime.snapshotsDir, this.layout.workspace, record.name, name);
  }

  async shell(options: ShellOptions = {}): Promise<number> {
    const record = await this.running();
    this.runtime.warnUnisolated();
    const env = { ...(await readEnv(this.layout.dir)), ...options.env };
    return runShell(await this.isolation(record), { ...options, env });
  }
}
