import { randomUUID } from 'node:crypto';
import {
  checkSnapshotBackend,
  createRetrier,
  guardedCreate,
  isOwned,
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
import type { DevboxCreateParams, DevboxView } from '@runloop/api-client/resources/devboxes/devboxes';
import { BACKEND, classifyRunloopError, hasStatus, toAgentkernelError } from './errors.js';
import { blueprintOf, launchParameters } from './launch.js';
import { makeRef } from './metadata.js';
import { resolveSettings } from './options.js';
import { RunloopSandboxHandle } from './runloop-sandbox.js';
import type { RunloopModule, Runtime } from './runtime.js';

const LIST_PAGE = 100;
const REMOVE_HINT = 'shut it down in the Runloop dashboard (https://platform.runloop.ai)';
const ENDED = new Set<DevboxView['status']>(['shutdown', 'failure']);

/** An opened Runloop backend. */
export class RunloopBackend implements Backend {
  private warnedNetwork = false;

  constructor(
    readonly plugin: BackendPlugin,
    private readonly runtime: Runtime,
  ) {}

  /** Every devbox of the account, all pages (Runloop filters lists by status only). */
  private async allDevboxes(action: string): Promise<DevboxView[]> {
    const { client } = this.runtime;
    const out: DevboxView[] = [];
    let page = await this.runtime.retrier.call({ action }, 'idempotent', () =>
      client.devboxes.list({ limit: LIST_PAGE }),
    );
    out.push(...page.devboxes);
    while (page.hasNextPage()) {
      const current = page;
      page = await this.runtime.retrier.call({ action }, 'idempotent', () => current.getNextPage());
      out.push(...page.devboxes);
    }
    return out;
  }

  private async findByToken(token: string): Promise<DevboxView | undefined> {
    const all = await this.allDevboxes('looking for a devbox by its creation token');
    return all.find((devbox) => devbox.metadata[OWNER_KEYS.token] === token && !ENDED.has(devbox.status));
  }

  async create(spec: SandboxSpec): Promise<SandboxHandle> {
    const { client, settings, logger } = this.runtime;
    if (spec.fromSnapshot !== undefined) checkSnapshotBackend(spec.fromSnapshot, BACKEND, 'Runloop');
    if (!spec.network && settings.networkPolicyId === undefined && !this.warnedNetwork) {
      this.warnedNetwork = true;
      logger.warn(
        'runloop: [security] network = false is not enforced: Runloop cuts a devbox off only through a network policy; set [remote.runloop] network_policy_id',
      );
    }
    const blueprint = spec.fromSnapshot === undefined ? blueprintOf(spec.image, settings) : undefined;
    const token = randomUUID();
    const params: DevboxCreateParams = {
      name: spec.name,
      metadata: ownerMetadata(spec, token, BACKEND, 'Runloop metadata'),
      environment_variables: { ...spec.env },
      launch_parameters: launchParameters(spec, settings),
      ...(blueprint === undefined ? {} : { blueprint_name: blueprint }),
      ...(spec.fromSnapshot === undefined ? {} : { snapshot_id: spec.fromSnapshot.id }),
    };
    const source = spec.fromSnapshot?.id ?? blueprint ?? "Runloop's default image";
    const doing = { action: `creating devbox ${spec.name} from ${source}` };
    const signal = spec.signal === undefined ? {} : { signal: spec.signal };
    return guardedCreate(this.runtime, {
      what: `devbox ${spec.name}`,
      action: doing.action,
      signal: spec.signal,
      // The POST itself is sent again only when Runloop refused it; after a lost answer the devbox it
      // made is found by its creation token instead. An abort does not cut the POST short (Runloop
      // would still make the devbox, unseen): it is awaited, and what it made is shut down.
      create: () =>
        client.post<DevboxCreateParams, DevboxView>('/v1/devboxes/create_and_await_running', {
          body: params,
        }),
      adopt: () => this.findByToken(token),
      find: async () => (await this.findByToken(token))?.id,
      idOf: (created) => created.id,
      remove: async (id) => {
        try {
          await client.devboxes.shutdown(id);
        } catch (error) {
          // Shutting down a devbox that is shut down already counts as done.
          const view = await client.devboxes.retrieve(id);
          if (view.status !== 'shutdown' && view.status !== 'failure') throw error;
        }
      },
      removeHint: REMOVE_HINT,
      createFailed: (error) => toAgentkernelError(error, doing),
      settle: async (created) => {
        if (created.status === 'running') return;
        await this.runtime.retrier.run(`waiting for devbox ${created.id} to run`, 'idempotent', () =>
          client.devboxes.awaitRunning(created.id, signal),
        );
      },
      ready: async (created) => {
        const ref = makeRef(created.id, {
          name: spec.name,
          workspaceDir: spec.workspaceDir,
          ...(blueprint === undefined ? {} : { blueprint }),
        });
        const handle = new RunloopSandboxHandle(this.runtime, ref);
        await handle.prepareWorkspace();
        return handle;
      },
    });
  }

  // async so that a bad ref rejects rather than throws
  async reconnect(ref: SandboxRef): Promise<SandboxHandle> {
    return new RunloopSandboxHandle(this.runtime, ref);
  }

  async list(filter: ListFilter = {}): Promise<SandboxSummary[]> {
    const all = await this.allDevboxes('listing devboxes');
    return all
      .filter((devbox) => isOwned(devbox.metadata, filter.labels) && !ENDED.has(devbox.status))
      .map((devbox) => {
        const owned = ownedSandbox(devbox.metadata);
        const name = owned.name;
        const ref = makeRef(devbox.id, owned);
        const status =
          devbox.status === 'running'
            ? 'running'
            : devbox.status.startsWith('suspend')
              ? 'stopped'
              : 'starting';
        return {
          ref,
          ...(name === undefined ? {} : { name }),
          status,
          createdAt: new Date(devbox.create_time_ms).toISOString(),
        } satisfies SandboxSummary;
      });
  }

  async deleteSnapshot(snapshot: NativeSnapshotHandle): Promise<void> {
    checkSnapshotBackend(snapshot, BACKEND, 'Runloop');
    const { client } = this.runtime;
    const doing = { action: `deleting snapshot ${snapshot.id}` };
    try {
      await this.runtime.retrier.run(doing.action, 'idempotent', () =>
        client.devboxes.diskSnapshots.delete(snapshot.id),
      );
    } catch (error) {
      // Deleting a snapshot that is already gone succeeds.
      if (hasStatus(error, 404)) return;
      throw toAgentkernelError(error, doing);
    }
  }
}

/** Opens the Runloop backend for `plugin` with the SDK module already imported and the API key resolved. */
export function createRunloopBackend(
  context: BackendContext,
  plugin: BackendPlugin,
  sdk: RunloopModule,
  apiKey: string,
): RunloopBackend {
  // Core registers secrets before opening; doing it again costs nothing and covers direct use.
  registerSecret(apiKey);
  const settings = resolveSettings(context, apiKey);
  const client = new sdk.Runloop({
    bearerToken: apiKey,
    baseURL: settings.baseUrl,
    timeout: settings.requestTimeoutMs,
    maxRetries: 0,
    http2: settings.http2,
  });
  return new RunloopBackend(plugin, {
    sdk,
    client,
    settings,
    retrier: createRetrier({
      backend: BACKEND,
      policy: settings.retry,
      classify: classifyRunloopError,
      logger: context.logger,
      toError: toAgentkernelError,
    }),
    logger: context.logger,
    spoolDir: context.dataDir,
  });
}
