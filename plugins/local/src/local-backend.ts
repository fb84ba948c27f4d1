import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  UsageError,
  validateSandboxName,
  type Backend,
  type ListFilter,
  type NativeSnapshotHandle,
  type SandboxRef,
  type SandboxSpec,
  type SandboxSummary,
} from '@agentkernel/core';
import { checkWorkspaceDir, DEFAULT_WORKSPACE_DIR, requirePasta } from '@agentkernel/core/isolation';
import { LocalSandbox } from './local-sandbox.js';
import { localPlugin } from './plugin.js';
import { LocalRuntime, type LocalBackendOptions } from './runtime.js';
import { copyTree, deleteSnapshot, snapshotWorkspace } from './snapshots.js';
import { layoutOf, readRecord, writeEnv, writeRecord, type SandboxRecord } from './store.js';

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

class LocalBackend implements Backend {
  readonly plugin = localPlugin;

  constructor(private readonly runtime: LocalRuntime) {}

  private handle(id: string, dir = join(this.runtime.sandboxesDir, id)): LocalSandbox {
    return new LocalSandbox(this.runtime, { backend: 'local', id, metadata: { dir } }, dir);
  }

  async create(spec: SandboxSpec): Promise<LocalSandbox> {
    const name = validateSandboxName(spec.name);
    const workspaceDir = checkWorkspaceDir(spec.workspaceDir || DEFAULT_WORKSPACE_DIR, 'local');
    await this.runtime.bwrapPath();
    // Said at create rather than at the first command: the sandbox could not run anything without it.
    if (spec.network && this.runtime.mode !== 'none') await requirePasta(this.runtime.searchPath, 'local');
    spec.signal?.throwIfAborted();
    const source =
      spec.fromSnapshot === undefined
        ? undefined
        : await snapshotWorkspace(this.runtime.snapshotsDir, spec.fromSnapshot);
    const ignored = (['image', 'vcpus', 'memoryMb', 'idleTimeoutMs'] as const).filter(
      (key) => spec[key] !== undefined,
    );
    if (ignored.length > 0)
      this.runtime.logger.debug(`local sandboxes run on this machine as is; ignoring ${ignored.join(', ')}`);

    const id = `${name}-${randomBytes(4).toString('hex')}`;
    const dir = join(this.runtime.sandboxesDir, id);
    // Built under a hidden name and renamed into place: a sandbox folder is either complete or absent.
    const staging = layoutOf(join(this.runtime.sandboxesDir, `.creating-${id}`));
    try {
      await mkdir(staging.procs, { recursive: true });
      await mkdir(staging.home);
      if (source === undefined) await mkdir(staging.workspace);
      else await copyTree(source, staging.workspace);
      await writeEnv(staging.dir, spec.env);
      const record: SandboxRecord = {
        id,
        name,
        status: 'running',
        network: spec.network,
        ports: [...spec.ports],
        envKeys: Object.keys(spec.env),
        labels: { ...spec.labels },
        workspaceDir,
        createdAt: new Date().toISOString(),
        ...(spec.fromSnapshot === undefined ? {} : { fromSnapshot: spec.fromSnapshot.id }),
      };
      await writeRecord(staging.dir, record);
      await rename(staging.dir, dir);
    } catch (error) {
      await rm(staging.dir, { recursive: true, force: true });
      throw error;
    }
    return this.handle(id, dir);
  }

  async reconnect(ref: SandboxRef): Promise<LocalSandbox> {
    if (ref.backend !== 'local' || !ID_PATTERN.test(ref.id)) {
      throw new UsageError(
        `sandbox ${JSON.stringify(ref.id)} of backend "${ref.backend}" is not a local sandbox`,
        { backend: 'local' },
      );
    }
    return this.handle(ref.id, ref.metadata.dir);
  }

  async list(filter: ListFilter = {}): Promise<SandboxSummary[]> {
    const entries = await readdir(this.runtime.sandboxesDir).catch(() => [] as string[]);
    const summaries: SandboxSummary[] = [];
    for (const id of entries.sort()) {
      if (id.startsWith('.')) continue;
      const dir = join(this.runtime.sandboxesDir, id);
      const record = await readRecord(dir, id).catch(() => undefined);
      if (record === undefined) continue;
      const wanted = Object.entries(filter.labels ?? {}).every(
        ([key, value]) => record.labels[key] === value,
      );
      if (!wanted) continue;
      summaries.push({
        ref: this.handle(id, dir).ref,
        name: record.name,
        status: record.status,
        createdAt: record.createdAt,
      });
    }
    return summaries;
  }

  async deleteSnapshot(snapshot: NativeSnapshotHandle): Promise<void> {
    await deleteSnapshot(this.runtime.snapshotsDir, snapshot);
  }
}

/** Opens the local backend directly (the plugin's `open` does this with the CLI's context). */
export function createLocalBackend(options: LocalBackendOptions): Backend {
  return new LocalBackend(new LocalRuntime(options));
}
