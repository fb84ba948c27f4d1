import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  atomicWriteFile,
  BRIDGE_METADATA,
  UsageError,
  type BridgeEndpoint,
  type BridgeRequest,
  type BridgeResponse,
  type SandboxRecord,
  type SandboxRef,
} from '@agentkernel/core';
import type { Connected, Runtime } from '../runtime/runtime.js';

/**
 * The `remote_metadata` key that carries the sandbox's `SandboxRef.metadata` (secret-free by contract):
 * agentkernel keeps and resends it, so a bridge that lost its own state can still reconnect.
 */
export const REF_METADATA_KEY = 'agentkernel_ref';

/** Set on a sandbox created from a native snapshot, so `restore` knows the workspace is already there. */
export const NATIVE_RESTORE_KEY = 'native_restore';

/** One bridge operation: the runtime, the provider asked for and the validated request. */
export interface Session {
  readonly rt: Runtime;
  readonly provider: string;
  readonly request: BridgeRequest;
}

function refFromRequest(provider: string, request: BridgeRequest, remoteId: string): SandboxRef {
  let metadata: Record<string, string> = {};
  const carried = request.remote_metadata?.[REF_METADATA_KEY];
  if (carried !== undefined) {
    try {
      const parsed: unknown = JSON.parse(carried);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
        metadata = Object.fromEntries(
          Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
        );
    } catch {
      throw new UsageError(`remote_metadata.${REF_METADATA_KEY} is not the JSON this bridge wrote`);
    }
  }
  return { backend: provider, id: remoteId, metadata };
}

/**
 * Finds the request's sandbox again: from the bridge's own record when it names the same provider
 * sandbox, else from what agentkernel sent (its `remote_id` and our carried ref metadata), which then
 * becomes the record. A record of another sandbox under this name is stale: its sync state goes too.
 */
export async function connectSession({ rt, provider, request }: Session): Promise<Connected> {
  const name = request.sandbox_name;
  const remoteId = request.remote_id;
  if (remoteId === undefined) throw new UsageError(`${request.operation} requires "remote_id"`);
  const state = rt.state();
  const backend = await rt.backend(provider);
  let record = await state.readSandbox(name);
  if (record && record.backend !== backend.plugin.name) {
    throw new UsageError(
      `sandbox "${name}" was created through the bridge on "${record.backend}", not "${provider}"`,
    );
  }
  if (!record || record.ref.id !== remoteId) {
    const now = new Date().toISOString();
    record = {
      version: 1,
      name,
      backend: backend.plugin.name,
      ref: refFromRequest(backend.plugin.name, request, remoteId),
      createdAt: now,
      updatedAt: now,
      network: request.network ?? true,
      ports: (request.endpoints ?? []).map((endpoint) => endpoint.container_port),
      workspaceDir: '/workspace',
      mountCwd: false,
    };
    await state.removeSandbox(name);
    await forgetRevision(rt, name);
    await state.writeSandbox(record);
  }
  return { record, backend, handle: await backend.reconnect(record.ref) };
}

/** The sandbox's record with `local_path` as its project folder, for the sync engine. */
export function withProject(connected: Connected, localPath: string): Connected {
  const record: SandboxRecord = { ...connected.record, mountCwd: true, projectDir: localPath };
  return { ...connected, record };
}

/** The ids, metadata, endpoints and running state agentkernel merges after `create`, `resume`, `status`... */
export async function describeSandbox(
  session: Session,
  connected: Connected,
  extra: Partial<BridgeResponse> = {},
): Promise<BridgeResponse> {
  const { record, backend, handle } = connected;
  const status = await handle.status();
  const running = status === 'running';
  const metadata: Record<string, string> = {
    [`${session.provider}_id`]: handle.ref.id,
    [REF_METADATA_KEY]: JSON.stringify(handle.ref.metadata),
    sandbox_state: status,
    [BRIDGE_METADATA.lastKnownStatus]: running ? 'running' : 'stopped',
  };
  if (record.ports.length > 0)
    metadata[BRIDGE_METADATA.publishedPorts] = record.ports.map((port) => `${port}/tcp`).join(',');
  let endpoints: BridgeEndpoint[] = [];
  if (running && record.ports.length > 0 && backend.plugin.capabilities.ports && handle.endpoints) {
    endpoints = (await handle.endpoints(record.ports)).map((endpoint) => ({
      container_port: endpoint.port,
      protocol: 'tcp',
      url: endpoint.url,
    }));
  }
  return {
    success: true,
    remote_id: handle.ref.id,
    ...extra,
    remote_metadata: { ...metadata, ...extra.remote_metadata },
    ...(endpoints.length > 0 ? { endpoints } : {}),
    running,
  };
}

/**
 * The `workspace_revision` the bridge last reported for a sandbox, which its sync manifest describes:
 * `$AGENTKERNEL_HOME/bridge/revisions/<name>`.
 */
function revisionFile(rt: Runtime, name: string): string {
  // The record file name is validated; reusing it keeps this path inside the state folder.
  rt.state().sandboxFile(name);
  return join(rt.state().home, 'revisions', name);
}

export async function readRevision(rt: Runtime, name: string): Promise<string | undefined> {
  const text = await readFile(revisionFile(rt, name), 'utf8').catch(() => undefined);
  return text?.trim() || undefined;
}

export async function writeRevision(rt: Runtime, name: string, revision: string): Promise<void> {
  await mkdir(join(rt.state().home, 'revisions'), { recursive: true, mode: 0o700 });
  await atomicWriteFile(revisionFile(rt, name), `${revision}\n`, { mode: 0o600 });
}

export async function forgetRevision(rt: Runtime, name: string): Promise<void> {
  await rm(revisionFile(rt, name), { force: true });
}
