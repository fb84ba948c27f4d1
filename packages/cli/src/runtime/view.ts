import { notAppliedSettings, type SandboxRecord, type SandboxStatus } from '@agentkernel/core';
import type { Connected } from './runtime.js';

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
    ...(problem === undefined ? {} : { problem }),
  };
}

export async function describeSandbox(connected: Connected): Promise<SandboxView> {
  return sandboxView(connected.record, await connected.handle.status());
}
