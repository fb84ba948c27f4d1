import { randomUUID } from 'node:crypto';
import {
  BackendError,
  classify,
  failedCreateError,
  OWNER_KEYS,
  ownedSandbox,
  ownerMetadata,
  UsageError,
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
import { BACKEND, classifyDaytona, isNotFound, toAgentkernelError } from './errors.js';
import { makeRef } from './metadata.js';
import {
  call,
  createRuntime,
  retrying,
  type DaytonaModule,
  type Runtime,
  type SdkSandbox,
} from './runtime.js';

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

  /**
   * A failed or aborted create must not leave an orphan behind: whatever it made is deleted (retried).
   * Returns the error to throw: the create's failure, or, when the deletion failed too, one naming the
   * sandbox left behind (an abort's reason is kept as is, with a warning naming it).
   */
  private async afterFailedCreate(
    name: string,
    failure: unknown,
    mayHaveMade: boolean,
    find: () => Promise<string | undefined>,
  ): Promise<unknown> {
    const { client, timeoutSeconds, logger } = this.runtime;
    return failedCreateError({
      backend: BACKEND,
      retrier: this.runtime.retrier,
      what: `sandbox ${name}`,
      mayHaveMade,
      find,
      remove: async (id) => {
        try {
          await (await client.get(id)).delete(timeoutSeconds);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      },
      failure,
      removeHint: REMOVE_HINT,
      logger,
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
    if (spec.fromSnapshot !== undefined && spec.fromSnapshot.backend !== BACKEND) {
      throw new UsageError(
        `snapshot ${spec.fromSnapshot.id} is a ${spec.fromSnapshot.backend} snapshot, not a Daytona one`,
        {
          backend: BACKEND,
        },
      );
    }
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
    let ambiguous = false;
    const adopt = async (): Promise<SdkSandbox | undefined> => {
      ambiguous = true;
      return this.findByToken(token);
    };
    const findMade = async (): Promise<string | undefined> => (await this.findByToken(token))?.id;
    let sandbox: SdkSandbox;
    try {
      sandbox = await retrying(
        this.runtime,
        { action: `creating sandbox ${spec.name}` },
        'refused-only',
        () => client.create(params, { timeout: timeoutSeconds * 5 }),
        { recover: adopt, ...(spec.signal === undefined ? {} : { signal: spec.signal }) },
      );
      spec.signal?.throwIfAborted();
    } catch (error) {
      const aborted = spec.signal?.aborted === true;
      const failure: unknown = aborted
        ? (spec.signal?.reason as unknown)
        : toAgentkernelError(error, { action: `creating sandbox ${spec.name} from ${what}` });
      const mayHaveMade = ambiguous || aborted || classify(error, classifyDaytona).transience !== 'final';
      throw await this.afterFailedCreate(spec.name, failure, mayHaveMade, findMade);
    }
    const ref = makeRef(sandbox.id, {
      name: spec.name,
      workspaceDir: spec.workspaceDir,
      public: params.public,
    });
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
      const failure = new BackendError(
        BACKEND,
        `could not prepare ${spec.workspaceDir} in the new sandbox ${sandbox.id}: ${cause.detail}`,
        { code: cause.code, cause },
      );
      throw await this.afterFailedCreate(spec.name, failure, true, async () => sandbox.id);
    }
    logger.debug(`daytona: created sandbox ${sandbox.id} from ${what}`);
    return handle;
  }

  // async so that a bad ref rejects rather than throws
  async reconnect(ref: SandboxRef): Promise<SandboxHandle> {
    return new DaytonaSandboxHandle(this.runtime, ref);
  }

  async list(filter: ListFilter = {}): Promise<SandboxSummary[]> {
    const labels = { ...filter.labels, [OWNER_KEYS.managed]: 'true' };
    return call(this.runtime, { action: 'listing sandboxes' }, 'idempotent', async () => {
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
    if (snapshot.backend !== BACKEND) {
      throw new UsageError(`snapshot ${snapshot.id} is a ${snapshot.backend} snapshot, not a Daytona one`, {
        backend: BACKEND,
      });
    }
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
