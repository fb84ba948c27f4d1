import {
  AgentkernelError,
  formatDuration,
  isExpired,
  notAppliedSettings,
  type Endpoint,
  type SandboxRecord,
  type SandboxStatus,
} from '@agentkernel/core';
import type { Connected, Runtime } from './runtime.js';

/** A sandbox as `sandbox list`, `sandbox info` and `--json` show it. */
export interface SandboxView {
  readonly name: string;
  readonly backend: string;
  readonly status: SandboxStatus;
  readonly id: string;
  readonly createdAt: string;
  readonly image: string | null;
  readonly vcpus: number | null;
  readonly memoryMb: number | null;
  /** Settings asked for that the backend said it does not honour (`image`, `vcpus`, `memoryMb`, ...). */
  readonly notApplied: readonly string[];
  readonly network: boolean;
  readonly ports: readonly number[];
  readonly workspaceDir: string;
  readonly mountCwd: boolean;
  readonly projectDir: string | null;
  readonly profile: string | null;
  readonly labels: Readonly<Record<string, string>>;
  /** When the TTL ends (ISO 8601, UTC), or `null` without a TTL. */
  readonly expiresAt: string | null;
  /** Whether {@link SandboxView.expiresAt} has passed. */
  readonly expired: boolean;
  readonly idleTimeoutMs: number | null;
  /** Why the status could not be read, when it could not. */
  readonly problem?: string;
}

export function sandboxView(record: SandboxRecord, status: SandboxStatus, problem?: string): SandboxView {
  return {
    name: record.name,
    backend: record.backend,
    status,
    id: record.ref.id,
    createdAt: record.createdAt,
    image: record.image ?? null,
    vcpus: record.vcpus ?? null,
    memoryMb: record.memoryMb ?? null,
    notApplied: notAppliedSettings(record.ref),
    network: record.network,
    ports: record.ports,
    workspaceDir: record.workspaceDir,
    mountCwd: record.mountCwd,
    projectDir: record.projectDir ?? null,
    profile: record.profile ?? null,
    labels: record.labels ?? {},
    expiresAt: record.expiresAt ?? null,
    expired: isExpired(record),
    idleTimeoutMs: record.idleTimeoutMs ?? null,
    ...(problem === undefined ? {} : { problem }),
  };
}

export async function describeSandbox(connected: Connected): Promise<SandboxView> {
  return sandboxView(connected.record, await connected.handle.status());
}

/** A sandbox as `sandbox list` shows it: its view and the URLs of its published ports. */
export type ListedSandbox = SandboxView & { readonly endpoints: readonly Endpoint[] };

/** A recorded sandbox with its live status (and, when asked, its endpoints); one whose backend cannot be
 * opened (plugin gone, credentials unset) is still shown, as unknown, with the reason. */
export async function viewOfRecord(
  rt: Runtime,
  record: SandboxRecord,
  options: { readonly endpoints?: boolean } = {},
): Promise<ListedSandbox> {
  let status: SandboxStatus;
  let connected: Connected;
  try {
    const backend = await rt.backend(record.backend);
    const handle = await backend.reconnect(record.ref);
    connected = { record, backend, handle };
    status = await handle.status();
  } catch (error) {
    const problem = AgentkernelError.isInstance(error) ? error.detail : String(error);
    return { ...sandboxView(record, 'unknown', problem), endpoints: [] };
  }
  if (options.endpoints !== true) return { ...sandboxView(record, status), endpoints: [] };
  try {
    return { ...sandboxView(record, status), endpoints: await sandboxEndpoints(connected, status) };
  } catch (error) {
    const problem = `its endpoints: ${AgentkernelError.isInstance(error) ? error.detail : String(error)}`;
    return { ...sandboxView(record, status, problem), endpoints: [] };
  }
}

/** The URLs of a running sandbox's ports, when its backend publishes ports; none otherwise. */
export async function sandboxEndpoints(connected: Connected, status: SandboxStatus): Promise<Endpoint[]> {
  const { record, backend, handle } = connected;
  return backend.plugin.capabilities.ports &&
    handle.endpoints &&
    record.ports.length > 0 &&
    status === 'running'
    ? handle.endpoints(record.ports)
    : [];
}

/** An instant for people, with its zone: `2026-12-02 05:10:00 UTC`. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** When a sandbox expires, for people: `2026-12-02 05:10:00 UTC (in 59m)`, `... (expired 3m ago)`, `never`. */
export function describeExpiry(expiresAt: string | null, now = Date.now()): string {
  if (expiresAt === null) return 'never (no TTL)';
  const left = Date.parse(expiresAt) - now;
  return `${formatInstant(expiresAt)} (${left > 0 ? `in ${formatDuration(left)}` : `expired ${formatDuration(-left)} ago`})`;
}

/** Ports for people, each with its URL when published: `3000 http://127.0.0.1:40123, 8080`, or `-`. */
export function describePorts(view: Pick<ListedSandbox, 'ports' | 'endpoints'>): string {
  if (view.ports.length === 0) return '-';
  return view.ports
    .map((port) => {
      const url = view.endpoints.find((endpoint) => endpoint.port === port)?.url;
      return url === undefined ? String(port) : `${port} ${url}`;
    })
    .join(', ');
}

/** Labels for people: `team=infra, tier=dev`. */
export function describeLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}
