import { randomUUID } from 'node:crypto';
import {
  checkSnapshotBackend,
  createRetrier,
  guardedCreate,
  OWNER_KEYS,
  ownedSandbox,
  ownerMetadata,
  registerSecret,
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
import type * as Modal from 'modal';
import { createClient, type ModalModule } from './client.js';
import { BACKEND, classifyModalError, meansGone, toAgentkernelError } from './errors.js';
import { ModalSandboxHandle } from './modal-sandbox.js';
import { resolveSettings } from './options.js';
import type { Runtime } from './runtime.js';
import { makeRef } from './metadata.js';

/** `base`/`default` (and no image at all) mean the configured default; `im-...` is an image id. */
async function imageFor(
  runtime: Runtime,
  requested: string | undefined,
): Promise<{ image: Modal.Image; name: string }> {
  const name =
    requested === undefined || requested === 'base' || requested === 'default'
      ? runtime.settings.image
      : requested;
  if (name.startsWith('im-')) {
    const image = await runtime.retrier.call({ action: `looking up image ${name}` }, 'idempotent', () =>
      runtime.client.images.fromId(name),
    );
    return { image, name };
  }
  return { image: runtime.client.images.fromRegistry(name), name };
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** An opened Modal backend. */
export class ModalBackend implements Backend {
  constructor(
    readonly plugin: BackendPlugin,
    private readonly runtime: Runtime,
  ) {}

  private async handleFor(ref: SandboxRef, sandbox?: Modal.Sandbox): Promise<ModalSandboxHandle> {
    return new ModalSandboxHandle(
      this.runtime,
      ref,
      sandbox ?? (await this.runtime.client.sandboxes.fromId(ref.id)),
    );
  }

  /** Sandboxes of our app whose tags include `tags`. */
  private async find(tags: Record<string, string>): Promise<Modal.Sandbox[]> {
    const app = await this.runtime.app();
    const out: Modal.Sandbox[] = [];
    for await (const sandbox of this.runtime.client.sandboxes.list({ appId: app.appId, tags }))
      out.push(sandbox);
    return out;
  }

  async create(spec: SandboxSpec): Promise<SandboxHandle> {
    const { client, settings } = this.runtime;
    if (spec.fromSnapshot !== undefined) checkSnapshotBackend(spec.fromSnapshot, BACKEND, 'Modal');
    spec.signal?.throwIfAborted();
    const token = randomUUID();
    const tags = ownerMetadata(spec, token, BACKEND, 'Modal tags');
    const app = await this.runtime.app();
    const { image, name: imageName } = await imageFor(this.runtime, spec.fromSnapshot?.id ?? spec.image);
    const params: Modal.SandboxCreateParams = {
      env: { ...spec.env },
      tags,
      timeoutMs: settings.lifetimeSecs * 1000,
      blockNetwork: !spec.network,
      ...(spec.ports.length === 0 ? {} : { encryptedPorts: [...spec.ports] }),
      ...(spec.vcpus === undefined ? {} : { cpu: spec.vcpus }),
      ...(spec.memoryMb === undefined ? {} : { memoryMiB: spec.memoryMb }),
      ...(spec.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: seconds(spec.idleTimeoutMs) * 1000 }),
    };
    const byToken = async (): Promise<Modal.Sandbox | undefined> =>
      (await this.find({ [OWNER_KEYS.token]: token }))[0];
    let attempts = 0;
    // The SDK retries a lost response with the same idempotency key; what is left after a failure is a
    // create that may or may not have happened: whatever carries our token goes.
    return guardedCreate(this.runtime, {
      what: `sandbox ${spec.name}`,
      action: `creating sandbox ${spec.name}`,
      signal: spec.signal,
      create: () => {
        attempts += 1;
        return client.sandboxes.create(app, image, params);
      },
      adopt: byToken,
      find: async () => (await byToken())?.sandboxId,
      idOf: (sandbox) => sandbox.sandboxId,
      remove: async (id) => {
        try {
          await (await this.runtime.client.sandboxes.fromId(id)).terminate();
        } catch (error) {
          if (!meansGone(error)) throw error;
        }
      },
      removeHint: 'terminate it in the Modal dashboard',
      createFailed: (error) =>
        toAgentkernelError(error, { action: `creating sandbox ${spec.name} from image ${imageName}` }),
      // An attempt that seemed lost may still have made a sandbox after the one kept: only one stays.
      settle: async (sandbox) => {
        if (attempts > 1) await this.terminateByToken(token, sandbox.sandboxId);
      },
      ready: async (sandbox) => {
        const ref = makeRef(sandbox.sandboxId, {
          name: spec.name,
          workspaceDir: spec.workspaceDir,
          image: imageName,
        });
        const handle = await this.handleFor(ref, sandbox);
        await handle.mkdir(spec.workspaceDir);
        return handle;
      },
    });
  }

  /** Terminates every other sandbox that carries a creation token (a delayed attempt of one create). */
  private async terminateByToken(token: string, keep: string): Promise<void> {
    try {
      const found = await this.runtime.retrier.run(
        'looking for a sandbox by its creation token',
        'idempotent',
        () => this.find({ [OWNER_KEYS.token]: token }),
      );
      for (const sandbox of found.filter((candidate) => candidate.sandboxId !== keep)) {
        await this.runtime.retrier.run('terminating an orphan', 'idempotent', () => sandbox.terminate());
      }
    } catch (error) {
      this.runtime.logger.warn(
        `modal: could not check for a sandbox left by a failed create (token ${token}): ${(error as Error).message}`,
      );
    }
  }

  // async so that a bad ref rejects rather than throws
  async reconnect(ref: SandboxRef): Promise<SandboxHandle> {
    return this.handleFor(ref);
  }

  async list(filter: ListFilter = {}): Promise<SandboxSummary[]> {
    const out: SandboxSummary[] = [];
    const found = await this.runtime.retrier.call({ action: 'listing sandboxes' }, 'idempotent', () =>
      this.find({ ...filter.labels, [OWNER_KEYS.managed]: 'true' }),
    );
    for (const sandbox of found) {
      let tags: Record<string, string>;
      try {
        tags = await this.runtime.retrier.run('reading sandbox tags', 'idempotent', () => sandbox.getTags());
      } catch (error) {
        if (meansGone(error)) continue;
        throw toAgentkernelError(error, { action: 'reading sandbox tags', sandboxId: sandbox.sandboxId });
      }
      const owned = ownedSandbox(tags);
      const name = owned.name;
      out.push({
        ref: makeRef(sandbox.sandboxId, owned),
        ...(name === undefined ? {} : { name }),
        status: 'running',
      });
    }
    return out;
  }

  async deleteSnapshot(snapshot: NativeSnapshotHandle): Promise<void> {
    checkSnapshotBackend(snapshot, BACKEND, 'Modal');
    try {
      await this.runtime.retrier.run(`deleting snapshot image ${snapshot.id}`, 'idempotent', () =>
        this.runtime.client.images.delete(snapshot.id),
      );
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') return;
      throw toAgentkernelError(error, { action: `deleting snapshot image ${snapshot.id}` });
    }
  }

  async close(): Promise<void> {
    this.runtime.client.close();
  }
}

/** Opens the Modal backend for `plugin` with the SDK module already imported. */
export function createModalBackend(
  context: BackendContext,
  plugin: BackendPlugin,
  sdk: ModalModule,
): ModalBackend {
  const settings = resolveSettings(context);
  // Core registers secrets before opening; doing it again costs nothing and covers direct use.
  registerSecret(settings.tokenId);
  registerSecret(settings.tokenSecret);
  const client = createClient(sdk, settings, context.logger);
  let app: Promise<Modal.App> | undefined;
  const retrier = createRetrier({
    backend: BACKEND,
    policy: settings.retry,
    classify: classifyModalError,
    logger: context.logger,
    toError: toAgentkernelError,
  });
  const runtime: Runtime = {
    sdk,
    client,
    settings,
    logger: context.logger,
    retrier,
    app: () => {
      app ??= retrier.call({ action: `opening Modal app ${settings.appName}` }, 'idempotent', () =>
        client.apps.fromName(settings.appName, {
          createIfMissing: true,
          ...(settings.environment === undefined ? {} : { environment: settings.environment }),
        }),
      );
      app.catch(() => {
        app = undefined;
      });
      return app;
    },
  };
  return new ModalBackend(plugin, runtime);
}
