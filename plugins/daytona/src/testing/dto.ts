import type { FakeSandbox, FakeSnapshot } from './state.js';

/** A sandbox as the API's `Sandbox` DTO. */
export function sandboxDto(sandbox: FakeSandbox, toolboxUrl: string): Record<string, unknown> {
  return {
    id: sandbox.id,
    organizationId: sandbox.organizationId,
    name: sandbox.name,
    ...(sandbox.snapshot === undefined ? {} : { snapshot: sandbox.snapshot }),
    user: 'daytona',
    env: sandbox.env,
    labels: sandbox.labels,
    public: sandbox.public,
    networkBlockAll: sandbox.networkBlockAll,
    target: sandbox.target,
    cpu: sandbox.cpu,
    gpu: 0,
    memory: sandbox.memory,
    disk: sandbox.disk,
    state: sandbox.state,
    desiredState: sandbox.state === 'stopped' ? 'stopped' : 'started',
    autoStopInterval: sandbox.autoStopInterval,
    autoArchiveInterval: 10080,
    autoDeleteInterval: -1,
    ...(sandbox.autoDestroyAt === undefined ? {} : { autoDestroyAt: sandbox.autoDestroyAt }),
    ...(sandbox.image === undefined ? {} : { buildInfo: { dockerfileContent: `FROM ${sandbox.image}\n` } }),
    createdAt: sandbox.createdAt,
    updatedAt: sandbox.updatedAt,
    lastActivityAt: sandbox.updatedAt,
    daemonVersion: 'fake',
    toolboxProxyUrl: toolboxUrl,
  };
}

/** A snapshot as the API's `SnapshotDto`. */
export function snapshotDto(snapshot: FakeSnapshot, organizationId: string): Record<string, unknown> {
  return {
    id: snapshot.id,
    organizationId,
    general: false,
    name: snapshot.name,
    state: snapshot.state,
    size: null,
    entrypoint: null,
    cpu: snapshot.cpu,
    gpu: 0,
    mem: snapshot.mem,
    disk: snapshot.disk,
    errorReason: null,
    createdAt: snapshot.createdAt,
    updatedAt: snapshot.createdAt,
    lastUsedAt: null,
    sourceSandboxId: snapshot.sourceSandboxId,
  };
}
