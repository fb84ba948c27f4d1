import { UsageError, type SandboxRef, type SandboxSpec } from '@agentkernel/core';
import { BACKEND } from './errors.js';

/** Modal sandbox tags that mark a sandbox as agentkernel's and remember how to use it. */
export const MANAGED_TAG = 'agentkernel.managed';
export const NAME_TAG = 'agentkernel.name';
export const TOKEN_TAG = 'agentkernel.token';
export const WORKSPACE_TAG = 'agentkernel.workspace';
const RESERVED = new Set([MANAGED_TAG, NAME_TAG, TOKEN_TAG, WORKSPACE_TAG]);

/** The tags a new sandbox is created with: the spec's labels plus agentkernel's own. */
export function creationTags(spec: SandboxSpec, token: string): Record<string, string> {
  for (const key of Object.keys(spec.labels)) {
    if (RESERVED.has(key)) {
      throw new UsageError(`label "${key}" is reserved for agentkernel's own Modal tags`, {
        backend: BACKEND,
      });
    }
  }
  return {
    ...spec.labels,
    [MANAGED_TAG]: 'true',
    [NAME_TAG]: spec.name,
    [TOKEN_TAG]: token,
    [WORKSPACE_TAG]: spec.workspaceDir,
  };
}

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
  if (ref.backend !== BACKEND) {
    throw new UsageError(`sandbox ref ${ref.id} belongs to backend "${ref.backend}", not "${BACKEND}"`, {
      backend: BACKEND,
    });
  }
  return {
    workspaceDir: ref.metadata.workspaceDir ?? '/workspace',
    ...(ref.metadata.name === undefined ? {} : { name: ref.metadata.name }),
    ...(ref.metadata.image === undefined ? {} : { image: ref.metadata.image }),
  };
}
