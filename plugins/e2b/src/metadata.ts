import { checkRefBackend, DEFAULT_WORKSPACE_DIR, type SandboxRef } from '@agentkernel/core';
import { BACKEND } from './errors.js';

/** What a ref keeps besides the sandbox id (never a secret: no access token). */
export interface RefInfo {
  readonly name?: string;
  readonly workspaceDir: string;
  readonly template?: string;
  readonly idleTimeoutMs?: number;
  /** The sandbox domain E2B returned at create, when it differs from the configured one. */
  readonly sandboxDomain?: string;
}

export function makeRef(id: string, info: RefInfo): SandboxRef {
  const metadata: Record<string, string> = { workspaceDir: info.workspaceDir };
  if (info.name !== undefined) metadata.name = info.name;
  if (info.template !== undefined) metadata.template = info.template;
  if (info.idleTimeoutMs !== undefined) metadata.idleTimeoutMs = String(info.idleTimeoutMs);
  if (info.sandboxDomain !== undefined) metadata.sandboxDomain = info.sandboxDomain;
  return { backend: BACKEND, id, metadata };
}

export function refInfo(ref: SandboxRef): RefInfo {
  checkRefBackend(ref, BACKEND);
  const idle = ref.metadata.idleTimeoutMs === undefined ? undefined : Number(ref.metadata.idleTimeoutMs);
  return {
    workspaceDir: ref.metadata.workspaceDir ?? DEFAULT_WORKSPACE_DIR,
    ...(ref.metadata.name === undefined ? {} : { name: ref.metadata.name }),
    ...(ref.metadata.template === undefined ? {} : { template: ref.metadata.template }),
    ...(idle === undefined || !Number.isFinite(idle) ? {} : { idleTimeoutMs: idle }),
    ...(ref.metadata.sandboxDomain === undefined ? {} : { sandboxDomain: ref.metadata.sandboxDomain }),
  };
}
