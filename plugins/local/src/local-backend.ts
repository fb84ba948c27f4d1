import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  NOT_APPLIED_KEY,
  UsageError,
  validateSandboxName,
  type Backend,
  type BackendPlugin,
  type ListFilter,
  type NativeSnapshotHandle,
  type SandboxRef,
  type SandboxSpec,
  type SandboxSummary,
} from '@agentkernel/core';
import { checkWorkspaceDir, DEFAULT_WORKSPACE_DIR, requirePasta } from '@agentkernel/core/isolation';
import { LocalSandbox } from './local-sandbox.js';
import { honour } from './resources.js';
import { LocalRuntime, type LocalBackendContext } from './runtime.js';
import { copyTree, deleteSnapshot, snapshotWorkspace } from './snapshots.js';
import { layoutOf, readRecord, writeEnv, writeRecord, type SandboxRecord } from './store.js';
import { BACKEND_NAME } from './name.js';

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

class LocalBackend implements Backend {
  constructor(
    readonly plugin: BackendPlugin,
    private readonly runtime: LocalRuntime,
  ) {}

  private handle(
    id: string,
    dir = join(this.runtime.sandboxesDir, id),
    notApplied: readonly string[] = [],
  ): LocalSandbox {
    const metadata: Record<string, string> = { dir };
    if (notApplied.length > 0) metadata[NOT_APPLIED_KEY] = notApplied.join(',');
    return new LocalSandbox(this.runtime, { backend: BACKEND_NAME, id, metadata }, dir);
  }

  async create(spec: SandboxSpec): Promise<LocalSandbox> {
    const name = validateSandboxName(spec.name);
    const workspaceDir = checkWorkspaceDir(spec.workspaceDir || DEFAULT_WORKSPACE_DIR, BACKEND_NAME);
    await this.runtime.bwrapPath();
    // Said at create rather than at the first command: the sandbox could not run anything without it.
    if (spec.network && this.runtime.mode !== 'none')
      await requirePasta(this.runtime.searchPath, BACKEND_NAME);
    spec.signal?.throwIfAborted();
    const source =
      spec.fromSnapshot === undefined
        ? undefined
        : await snapshotWorkspace(this.runtime.snapshotsDir, spec.fromSnapshot);
    const honoured = await honour(spec, this.runtime.mode, this.runtime.logger);

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
        ...(honoured.limits === undefined ? {} : { limits: honoured.limits }),
        ...(honoured.notApplied.length === 0 ? {} : { notApplied: honoured.notApplied }),
      };
      await writeRecord(staging.dir, record);
      await rename(staging.dir, dir);
    } catch (error) {
      await rm(staging.dir, { recursive: true, force: true });
      throw error;
    }
    return this.handle(id, dir, honoured.notApplied);
  }

  async reconnect(ref: SandboxRef): Promise<LocalSandbox> {
    if (ref.backend !== BACKEND_NAME || !ID_PATTERN.test(ref.id)) {
      throw new UsageError(
        `sandbox ${JSON.stringify(ref.id)} of backend "${ref.backend}" is not a local sandbox`,
        { backend: BACKEND_NAME },
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
        ref: this.handle(id, dir, record.notApplied).ref,
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

/**
 * Opens the local backend for `plugin` (the plugin's `open` passes itself; tests and benchmarks pass
 * `localPlugin` with a context holding only `dataDir`).
 */
export function createLocalBackend(context: LocalBackendContext, plugin: BackendPlugin): Backend {
  return new LocalBackend(plugin, new LocalRuntime(context));
}
