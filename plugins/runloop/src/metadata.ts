import { checkRefBackend, DEFAULT_WORKSPACE_DIR, type SandboxRef } from '@agentkernel/core';
import { BACKEND } from './errors.js';

/** What a ref keeps besides the devbox id (never a secret). */
export interface RefInfo {
  readonly name?: string;
  readonly workspaceDir: string;
  readonly blueprint?: string;
}

export function makeRef(id: string, info: RefInfo): SandboxRef {
  const metadata: Record<string, string> = { workspaceDir: info.workspaceDir };
  if (info.name !== undefined) metadata.name = info.name;
  if (info.blueprint !== undefined) metadata.blueprint = info.blueprint;
  return { backend: BACKEND, id, metadata };
}

export function refInfo(ref: SandboxRef): RefInfo {
  checkRefBackend(ref, BACKEND);
  const { name, workspaceDir, blueprint } = ref.metadata;
  return {
    workspaceDir: workspaceDir ?? DEFAULT_WORKSPACE_DIR,
    ...(name === undefined ? {} : { name }),
    ...(blueprint === undefined ? {} : { blueprint }),
  };
}
