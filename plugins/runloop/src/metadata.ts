import { UsageError, type SandboxRef, type SandboxSpec } from '@agentkernel/core';
import { BACKEND } from './errors.js';

/** Runloop metadata keys that mark a devbox as agentkernel's and remember how to use it. */
export const MANAGED_KEY = 'agentkernel.managed';
export const NAME_KEY = 'agentkernel.name';
export const TOKEN_KEY = 'agentkernel.token';
export const WORKSPACE_KEY = 'agentkernel.workspace';
const RESERVED = new Set([MANAGED_KEY, NAME_KEY, TOKEN_KEY, WORKSPACE_KEY]);

/** The metadata a new devbox is created with: the spec's labels plus agentkernel's own keys. */
export function creationMetadata(spec: SandboxSpec, token: string): Record<string, string> {
  for (const key of Object.keys(spec.labels)) {
    if (RESERVED.has(key))
      throw new UsageError(`label "${key}" is reserved for agentkernel's own Runloop metadata`, {
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
  if (ref.backend !== BACKEND) {
    throw new UsageError(`sandbox ref ${ref.id} belongs to backend "${ref.backend}", not "${BACKEND}"`, {
      backend: BACKEND,
    });
  }
  return {
    workspaceDir: ref.metadata.workspaceDir ?? '/workspace',
    ...(ref.metadata.name === undefined ? {} : { name: ref.metadata.name }),
    ...(ref.metadata.blueprint === undefined ? {} : { blueprint: ref.metadata.blueprint }),
  };
}
