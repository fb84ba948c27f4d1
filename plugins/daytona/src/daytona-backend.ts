import { randomUUID } from 'node:crypto';
import {
  BackendError,
  checkSnapshotBackend,
  guardedCreate,
  OWNER_KEYS,
  ownedSandbox,
  ownerMetadata,
  type Backend,
  type BackendContext,
  type BackendPlugin,
  type ListFilter,
  type NativeSnapshotHandle,
  type SandboxHandle,
  type SandboxRef,
  type SandboxSpec,
  type SandboxSummary,
} from '@agentkernel/core';
import { DaytonaSandboxHandle, statusOf } from './daytona-sandbox.js';
import { ttlMinutesUntil } from './lifetime.js';
import { BACKEND, isNotFound, toAgentkernelError } from './errors.js';
import { makeRef } from './metadata.js';
import { createRuntime, retrying, type DaytonaModule, type Runtime, type SdkSandbox } from './runtime.js';

// The default user may not write at /: the workspace is made with sudo (passwordless on Daytona) then.
const PREPARE_WORKSPACE =
  'mkdir -p -- "$1" 2>/dev/null || { sudo -n mkdir -p -- "$1" && sudo -n chown "$(id -u):$(id -g)" -- "$1"; }';

const REMOVE_HINT = 'delete it in the Daytona dashboard (https://app.daytona.io/dashboard)';

/** What `create` asks Daytona for: a snapshot by name, or an image to build from. */
type Source = { snapshot: string } | { image: string } | Record<string, never>;

/** An opened Daytona backend. */
export class DaytonaBackend implements Backend {
  constructor(
    readonly plugin: BackendPlugin,
    private readonly runtime: Runtime,
  ) {}

  /** The sandbox a create made, found by its creation token (after a lost response or an abort). */
  private async findByToken(token: string): Promise<SdkSandbox | undefined> {
    const doing = { action: 'looking for a sandbox by its creation token' };
    return retrying(this.runtime, doing, 'idempotent', async () => {
      for await (const sandbox of this.runtime.client.list({
        labels: { [OWNER_KEYS.token]: token },
        limit: 10,
      }))
        return sandbox;
      return undefined;
    });
  }

  /** A `base_image` that names a Daytona snapshot is used as one; any other is an image Daytona builds from. */
  private async source(spec: SandboxSpec): Promise<Source> {
    if (spec.fromSnapshot !== undefined) return { snapshot: spec.fromSnapshot.id };
    const image = spec.image ?? this.runtime.defaultImage;
    if (image === undefined) return {};
    try {
      await retrying(this.runtime, { action: `looking up snapshot ${image}` }, 'idempotent', () =>
        this.runtime.client.snapshot.get(image),
      );
      return { snapshot: image };
    } catch (error) {
      if (isNotFound(error)) return { image };
      throw toAgentkernelError(error, { action: `looking up snapshot ${image}` });
    }
  }

  async create(spec: SandboxSpec): Promise<SandboxHandle> {
    const { client, logger, timeoutSeconds } = this.runtime;
    if (spec.fromSnapshot !== undefined) checkSnapshotBackend(spec.fromSnapshot, BACKEND, 'Daytona');
    const token = randomUUID();
    const source = await this.source(spec);
    const resources = {
      ...(spec.vcpus === undefined ? {} : { cpu: spec.vcpus }),
      ...(spec.memoryMb === undefined ? {} : { memory: Math.ceil(spec.memoryMb / 1024) }),
    };
    const params = {
      ...source,
      envVars: { ...spec.env },
      labels: ownerMetadata(spec, token, BACKEND, 'Daytona labels'),
      public: spec.ports.length > 0,
      networkBlockAll: !spec.network,
      ...(Object.keys(resources).length === 0 ? {} : { resources }),
      ...(spec.idleTimeoutMs === undefined
        ? {}
        : { autoStopInterval: Math.max(1, Math.ceil(spec.idleTimeoutMs / 60_000)) }),
      // Daytona destroys a sandbox when its TTL elapses, in any state, and setTtl moves it: the TTL.
      ...(spec.expiresAt === undefined ? {} : { ttlMinutes: ttlMinutesUntil(spec.expiresAt) }),
    };
    const what =
      'snapshot' in source
        ? `snapshot ${source.snapshot}`
        : 'image' in source
          ? `image ${source.image}`
          : 'the default snapshot';
    const handle = await guardedCreate(this.runtime, {
      what: `sandbox ${spec.name}`,
      action: `creating sandbox ${spec.name}`,
      signal: spec.signal,
      create: () => client.create(params, { timeout: timeoutSeconds * 5 }),
      adopt: () => this.findByToken(token),
      find: async () => (await this.findByToken(token))?.id,
      idOf: (sandbox) => sandbox.id,
      remove: async (id) => {
        try {
          await (await client.get(id)).delete(timeoutSeconds);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      },
      removeHint: REMOVE_HINT,
      createFailed: (error) =>
        toAgentkernelError(error, { action: `creating sandbox ${spec.name} from ${what}` }),
      ready: (sandbox) => this.prepared(spec, sandbox, params.public),
    });
    logger.debug(`daytona: created sandbox ${handle.ref.id} from ${what}`);
    return handle;
  }

  /** The handle of a new sandbox whose workspace directory is made; a failure to make it names the sandbox. */
  private async prepared(spec: SandboxSpec, sandbox: SdkSandbox, isPublic: boolean): Promise<SandboxHandle> {
    const ref = makeRef(sandbox.id, { name: spec.name, workspaceDir: spec.workspaceDir, public: isPublic });
    const handle = new DaytonaSandboxHandle(this.runtime, ref, sandbox);
    try {
      const result = await handle.exec(['sh', '-c', PREPARE_WORKSPACE, 'prepare', spec.workspaceDir], {
        cwd: '/',
      });
      if (result.exitCode !== 0)
        throw new Error(result.stderr.toString('utf8').trim() || `exit code ${result.exitCode}`);
    } catch (error) {
      const cause = toAgentkernelError(error, {
        action: `creating ${spec.workspaceDir}`,
        sandboxId: sandbox.id,
      });
      throw new BackendError(
        BACKEND,
        `could not prepare ${spec.workspaceDir} in the new sandbox ${sandbox.id}: ${cause.detail}`,
        { code: cause.code, cause },
      );
    }
    return handle;
  }

  // async so that a bad ref rejects rather than throws
  async reconnect(ref: SandboxRef): Promise<SandboxHandle> {
    return new DaytonaSandboxHandle(this.runtime, ref);
  }

  async list(filter: ListFilter = {}): Promise<SandboxSummary[]> {
    const labels = { ...filter.labels, [OWNER_KEYS.managed]: 'true' };
    return this.runtime.retrier.call({ action: 'listing sandboxes' }, 'idempotent', async () => {
      const out: SandboxSummary[] = [];
      for await (const sandbox of this.runtime.client.list({ labels })) {
        const owned = ownedSandbox(sandbox.labels);
        const name = owned.name;
        out.push({
          ref: makeRef(sandbox.id, { ...owned, public: sandbox.public }),
          ...(name === undefined ? {} : { name }),
          status: statusOf(sandbox.state),
          ...(sandbox.createdAt === undefined ? {} : { createdAt: sandbox.createdAt }),
        });
      }
      return out;
    });
  }

  async deleteSnapshot(snapshot: NativeSnapshotHandle): Promise<void> {
    checkSnapshotBackend(snapshot, BACKEND, 'Daytona');
    const doing = { action: `deleting snapshot ${snapshot.id}` };
    try {
      await retrying(this.runtime, doing, 'idempotent', () =>
        this.runtime.client.snapshot.delete(snapshot.metadata.snapshotId ?? snapshot.id),
      );
    } catch (error) {
      if (!isNotFound(error)) throw toAgentkernelError(error, doing);
    }
  }

  async close(): Promise<void> {
    await this.runtime.client[Symbol.asyncDispose]();
  }
}

/** Opens the Daytona backend for `plugin` with the SDK module already imported. */
export function createDaytonaBackend(
  context: BackendContext,
  plugin: BackendPlugin,
  sdk: DaytonaModule,
): DaytonaBackend {
  return new DaytonaBackend(plugin, createRuntime(sdk, context));
}
