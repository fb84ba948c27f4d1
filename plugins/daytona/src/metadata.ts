import { UsageError, type SandboxRef, type SandboxSpec } from '@agentkernel/core';
import { BACKEND } from './errors.js';

/** Daytona labels that mark a sandbox as agentkernel's and remember how to use it. */
export const MANAGED_KEY = 'agentkernel.managed';
export const NAME_KEY = 'agentkernel.name';
export const TOKEN_KEY = 'agentkernel.token';
export const WORKSPACE_KEY = 'agentkernel.workspace';
const RESERVED = new Set([MANAGED_KEY, NAME_KEY, TOKEN_KEY, WORKSPACE_KEY]);

/** The labels a new sandbox is created with: the spec's labels plus agentkernel's own. */
export function creationLabels(spec: SandboxSpec, token: string): Record<string, string> {
  for (const key of Object.keys(spec.labels)) {
    if (RESERVED.has(key))
      throw new UsageError(`label "${key}" is reserved for agentkernel's own Daytona labels`, {
        backend: BACKEND,
      });
  }
  return {
    ...spec.labels,
    [MANAGED_KEY]: 'true',
    [NAME_KEY]: spec.name,
    [TOKEN_KEY]: token,
    [WORKSPACE_KEY]: spec.workspaceDir,
  };
}

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
  if (ref.backend !== BACKEND) {
    throw new UsageError(`sandbox ref ${ref.id} belongs to backend "${ref.backend}", not "${BACKEND}"`, {
      backend: BACKEND,
    });
  }
  return {
    workspaceDir: ref.metadata.workspaceDir ?? '/workspace',
    public: ref.metadata.public === 'true',
    ...(ref.metadata.name === undefined ? {} : { name: ref.metadata.name }),
  };
}
