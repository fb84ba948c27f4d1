import { checkRefBackend, DEFAULT_WORKSPACE_DIR, type SandboxRef } from '@agentkernel/core';
import { BACKEND } from './errors.js';

/** What a ref keeps besides the sandbox id (never a secret). */
export interface RefInfo {
  readonly name?: string;
  readonly workspaceDir: string;
  readonly image?: string;
}

export function makeRef(id: string, info: RefInfo): SandboxRef {
  const metadata: Record<string, string> = { workspaceDir: info.workspaceDir };
  if (info.name !== undefined) metadata.name = info.name;
  if (info.image !== undefined) metadata.image = info.image;
  return { backend: BACKEND, id, metadata };
}

export function refInfo(ref: SandboxRef): RefInfo {
  checkRefBackend(ref, BACKEND);
  return {
    workspaceDir: ref.metadata.workspaceDir ?? DEFAULT_WORKSPACE_DIR,
    ...(ref.metadata.name === undefined ? {} : { name: ref.metadata.name }),
    ...(ref.metadata.image === undefined ? {} : { image: ref.metadata.image }),
  };
}
