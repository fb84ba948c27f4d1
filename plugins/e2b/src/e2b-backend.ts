import { randomUUID } from 'node:crypto';
import {
  checkSnapshotBackend,
  createRetrier,
  guardedCreate,
  OWNER_KEYS,
  ownedSandbox,
  ownerMetadata,
  registerSecret,
  shellQuote,
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
import { E2BSandboxHandle } from './e2b-sandbox.js';
import { BACKEND, toAgentkernelError } from './errors.js';
import { makeRef, timeoutFor } from './metadata.js';
import { connectionOf, resolveSettings } from './options.js';
import type { E2BModule, Runtime, SdkSandbox } from './runtime.js';
import { classifyE2BError } from './classify.js';

const REMOVE_HINT = 'kill it with `e2b sandbox kill <id>` or in the E2B dashboard';

/** Makes sure the workspace directory exists and belongs to E2B's default user. */
async function prepareWorkspace(sandbox: SdkSandbox, dir: string): Promise<void> {
  const quoted = shellQuote(dir);
  await sandbox.commands.run(
    `mkdir -p -- ${quoted} && if id -u user >/dev/null 2>&1; then chown user: ${quoted} || true; fi`,
    {
      user: 'root',
    },
  );
}

/** An opened E2B backend. */
export class E2BBackend implements Backend {
  constructor(
    readonly plugin: BackendPlugin,
    private readonly runtime: Runtime,
  ) {}

  /** Finds the sandbox a create made, by its creation token (after a lost response or an abort). */
  private async findByToken(token: string): Promise<string | undefined> {
    const { sdk, connection } = this.runtime;
    const paginator = sdk.Sandbox.list({ ...connection, query: { metadata: { [OWNER_KEYS.token]: token } } });
    const page = await this.runtime.retrier.run(
      'looking for a sandbox by its creation token',
      'idempotent',
      () => paginator.nextItems(),
    );
    return page[0]?.sandboxId;
  }

  async create(spec: SandboxSpec): Promise<SandboxHandle> {
    const { sdk, connection, settings, logger } = this.runtime;
    if (spec.fromSnapshot !== undefined) checkSnapshotBackend(spec.fromSnapshot, BACKEND, 'E2B');
    if (spec.vcpus !== undefined || spec.memoryMb !== undefined) {
      logger.debug('e2b: vcpus and memory come from the E2B template; the requested resources are ignored');
    }
    const template = spec.fromSnapshot?.id ?? spec.image ?? settings.template;
    const token = randomUUID();
    const lifetime = {
      ...(spec.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: spec.idleTimeoutMs }),
      ...(spec.expiresAt === undefined ? {} : { expiresAt: spec.expiresAt }),
    };
    const timeoutMs = timeoutFor(lifetime);
    const options = {
      ...connection,
      metadata: ownerMetadata(spec, token, BACKEND, 'E2B metadata'),
      envs: { ...spec.env },
      allowInternetAccess: spec.network,
      lifecycle:
        settings.onTimeout === 'pause'
          ? { onTimeout: 'pause' as const, autoResume: true }
          : { onTimeout: 'kill' as const },
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(spec.signal === undefined ? {} : { signal: spec.signal }),
    };
    return guardedCreate(this.runtime, {
      what: `sandbox ${spec.name}`,
      action: `creating ${spec.name}`,
      signal: spec.signal,
      create: () => sdk.Sandbox.create(template, options),
      adopt: async () => {
        const id = await this.findByToken(token);
        if (id === undefined) return undefined;
        return this.runtime.retrier.run(
          `adopting ${id}, made by a create whose answer was lost`,
          'idempotent',
          () => sdk.Sandbox.connect(id, connection),
        );
      },
      find: () => this.findByToken(token),
      idOf: (sandbox) => sandbox.sandboxId,
      // kill answers false for a sandbox that is already gone.
      remove: async (id) => void (await sdk.Sandbox.kill(id, connection)),
      removeHint: REMOVE_HINT,
      createFailed: (error) =>
        toAgentkernelError(error, { action: `creating sandbox ${spec.name} from template ${template}` }),
      ready: async (sandbox) => {
        await this.runtime.retrier.call(
          { action: `creating ${spec.workspaceDir}`, sandboxId: sandbox.sandboxId },
          'idempotent',
          () => prepareWorkspace(sandbox, spec.workspaceDir),
        );
        const ref = makeRef(sandbox.sandboxId, {
          name: spec.name,
          workspaceDir: spec.workspaceDir,
          template,
          ...lifetime,
          ...(sandbox.sandboxDomain === connection.domain ? {} : { sandboxDomain: sandbox.sandboxDomain }),
        });
        return new E2BSandboxHandle(this.runtime, ref, sandbox);
      },
    });
  }

  // async so that a bad ref rejects rather than throws
  async reconnect(ref: SandboxRef): Promise<SandboxHandle> {
    return new E2BSandboxHandle(this.runtime, ref);
  }

  async list(filter: ListFilter = {}): Promise<SandboxSummary[]> {
    const { sdk, connection } = this.runtime;
    const paginator = sdk.Sandbox.list({
      ...connection,
      query: { metadata: { ...filter.labels, [OWNER_KEYS.managed]: 'true' } },
    });
    const out: SandboxSummary[] = [];
    while (paginator.hasNext) {
      const page = await this.runtime.retrier.call({ action: 'listing sandboxes' }, 'idempotent', () =>
        paginator.nextItems(),
      );
      for (const info of page) {
        const owned = ownedSandbox(info.metadata);
        const name = owned.name;
        const ref = makeRef(info.sandboxId, { ...owned, template: info.templateId });
        out.push({
          ref,
          ...(name === undefined ? {} : { name }),
          status: info.state === 'paused' ? 'stopped' : 'running',
          createdAt: info.startedAt.toISOString(),
        });
      }
    }
    return out;
  }

  async deleteSnapshot(snapshot: NativeSnapshotHandle): Promise<void> {
    checkSnapshotBackend(snapshot, BACKEND, 'E2B');
    const { sdk, connection } = this.runtime;
    await this.runtime.retrier.call({ action: `deleting snapshot ${snapshot.id}` }, 'idempotent', () =>
      sdk.Sandbox.deleteSnapshot(snapshot.id, connection),
    );
  }
}

/** Opens the E2B backend for `plugin` with the SDK module already imported and the API key resolved. */
export function createE2BBackend(
  context: BackendContext,
  plugin: BackendPlugin,
  sdk: E2BModule,
  apiKey: string,
): E2BBackend {
  // Core registers secrets before opening; doing it again costs nothing and covers direct use.
  registerSecret(apiKey);
  const settings = resolveSettings(context, apiKey);
  const { logger } = context;
  return new E2BBackend(plugin, {
    sdk,
    settings,
    connection: connectionOf(settings),
    logger,
    retrier: createRetrier({
      backend: BACKEND,
      policy: settings.retry,
      classify: classifyE2BError,
      logger,
      toError: toAgentkernelError,
    }),
  });
}
