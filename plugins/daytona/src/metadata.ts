import { checkRefBackend, DEFAULT_WORKSPACE_DIR, type SandboxRef } from '@agentkernel/core';
import { BACKEND } from './errors.js';

/** What a ref keeps besides the sandbox id (never a secret). */
export interface RefInfo {
  readonly name?: string;
  readonly workspaceDir: string;
  /** Whether the sandbox's preview links need no token. */
  readonly public: boolean;
}

export function makeRef(id: string, info: RefInfo): SandboxRef {
  const metadata: Record<string, string> = { workspaceDir: info.workspaceDir, public: String(info.public) };
  if (info.name !== undefined) metadata.name = info.name;
  return { backend: BACKEND, id, metadata };
}

export function refInfo(ref: SandboxRef): RefInfo {
  checkRefBackend(ref, BACKEND);
  return {
    workspaceDir: ref.metadata.workspaceDir ?? DEFAULT_WORKSPACE_DIR,
    public: ref.metadata.public === 'true',
    ...(ref.metadata.name === undefined ? {} : { name: ref.metadata.name }),
  };
}
