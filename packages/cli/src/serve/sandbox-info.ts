import { createHash } from 'node:crypto';
import { workspaceRevision, type SandboxRecord, type SandboxStatus } from '@agentkernel/core';
import type { Connected, Runtime } from '../runtime/runtime.js';
import { sandboxEndpoints, viewOfRecord } from '../runtime/view.js';

/** agentkernel's `SandboxInfo`, with the fields a remote backend adds; empty lists are left out. */
export interface SandboxInfo {
  readonly name: string;
  readonly uuid: string;
  readonly status: SandboxStatus;
  readonly backend: string;
  readonly image?: string;
  readonly vcpus?: number;
  readonly memory_mb?: number;
  readonly created_at: string;
  readonly ports?: string[];
  readonly endpoints?: { container_port: number; protocol: 'tcp'; url: string }[];
  readonly placeholder_secrets: false;
  readonly labels?: Record<string, string>;
  readonly description?: string;
  readonly workspace_revision?: string;
  /** Beyond agentkernel's API: the host folder kept in step with the workspace, and the provider's id. */
  readonly work_dir?: string;
  readonly remote_id: string;
  /** Why the status could not be read, when it could not. */
  readonly problem?: string;
}

/**
 * A stable UUID for a sandbox, derived from what identifies it (backend, provider id, creation time), so
 * `GET /sandboxes/by-uuid/{uuid}` needs nothing more in state. Laid out as a version 8 (custom) UUID.
 */
export function sandboxUuid(record: SandboxRecord): string {
  const bytes = createHash('sha256')
    .update(`${record.backend}\0${record.ref.id}\0${record.createdAt}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function info(
  record: SandboxRecord,
  status: SandboxStatus,
  extra: { endpoints?: SandboxInfo['endpoints']; revision?: string; problem?: string },
): SandboxInfo {
  return {
    name: record.name,
    uuid: sandboxUuid(record),
    status,
    backend: record.backend,
    ...(record.image === undefined ? {} : { image: record.image }),
    ...(record.vcpus === undefined ? {} : { vcpus: record.vcpus }),
    ...(record.memoryMb === undefined ? {} : { memory_mb: record.memoryMb }),
    created_at: record.createdAt,
    ...(record.ports.length === 0 ? {} : { ports: record.ports.map(String) }),
    ...(extra.endpoints?.length ? { endpoints: extra.endpoints } : {}),
    placeholder_secrets: false,
    ...(record.labels && Object.keys(record.labels).length > 0 ? { labels: record.labels } : {}),
    ...(record.description === undefined ? {} : { description: record.description }),
    ...(extra.revision === undefined ? {} : { workspace_revision: extra.revision }),
    ...(record.mountCwd && record.projectDir ? { work_dir: record.projectDir } : {}),
    remote_id: record.ref.id,
    ...(extra.problem === undefined ? {} : { problem: extra.problem }),
  };
}

// agentkernel's revision of the host folder the sandbox is synced with; none for a sandbox without one.
async function revisionOf(record: SandboxRecord): Promise<string | undefined> {
  if (!record.mountCwd || record.projectDir === undefined) return undefined;
  return workspaceRevision(record.projectDir).catch(() => undefined);
}

/** The full `SandboxInfo` of a connected sandbox: live status, endpoints of its ports, revision. */
export async function connectedInfo(connected: Connected): Promise<SandboxInfo> {
  const status = await connected.handle.status();
  const [endpoints, revision] = await Promise.all([
    sandboxEndpoints(connected, status),
    revisionOf(connected.record),
  ]);
  return info(connected.record, status, {
    endpoints: endpoints.map((endpoint) => ({
      container_port: endpoint.port,
      protocol: 'tcp' as const,
      url: endpoint.url,
    })),
    ...(revision === undefined ? {} : { revision }),
  });
}

/** The `SandboxInfo` of a list entry: live status (unknown, with the reason, when it cannot be read). */
export async function listedInfo(rt: Runtime, record: SandboxRecord): Promise<SandboxInfo> {
  const [view, revision] = await Promise.all([viewOfRecord(rt, record), revisionOf(record)]);
  return info(record, view.status, {
    ...(revision === undefined ? {} : { revision }),
    ...(view.problem === undefined ? {} : { problem: view.problem }),
  });
}
