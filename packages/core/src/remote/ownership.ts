import type { NativeSnapshotHandle, SandboxRef, SandboxSpec } from '../contract/backend.js';
import { DEFAULT_WORKSPACE_DIR } from '../config/schema.js';
import { UsageError } from '../errors/errors.js';

/**
 * The provider metadata keys (labels, tags) that mark a sandbox as agentkernel's: `managed` ("true"),
 * the agentkernel `name`, the creation `token` (found again after a lost create answer) and the
 * `workspace` directory.
 */
export const OWNER_KEYS = {
  managed: 'agentkernel.managed',
  name: 'agentkernel.name',
  token: 'agentkernel.token',
  workspace: 'agentkernel.workspace',
} as const;

const RESERVED = new Set<string>(Object.values(OWNER_KEYS));

/**
 * The metadata a new sandbox is created with: the spec's labels plus {@link OWNER_KEYS}. A label that
 * uses one of those keys is a `UsageError` (`kind` names the provider's word, e.g. "Runloop metadata").
 */
export function ownerMetadata(
  spec: SandboxSpec,
  token: string,
  backend: string,
  kind: string,
): Record<string, string> {
  for (const key of Object.keys(spec.labels)) {
    if (RESERVED.has(key))
      throw new UsageError(`label "${key}" is reserved for agentkernel's own ${kind}`, { backend });
  }
  return {
    ...spec.labels,
    [OWNER_KEYS.managed]: 'true',
    [OWNER_KEYS.name]: spec.name,
    [OWNER_KEYS.token]: token,
    [OWNER_KEYS.workspace]: spec.workspaceDir,
  };
}

/** Whether provider metadata marks a sandbox as agentkernel's and carries every one of `labels`. */
export function isOwned(
  metadata: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>> = {},
): boolean {
  return (
    metadata[OWNER_KEYS.managed] === 'true' &&
    Object.entries(labels).every(([key, value]) => metadata[key] === value)
  );
}

/** What {@link ownerMetadata} recorded about a sandbox found at the provider (by `list`). */
export function ownedSandbox(metadata: Readonly<Record<string, string>>): {
  name?: string;
  workspaceDir: string;
} {
  const name = metadata[OWNER_KEYS.name];
  return {
    workspaceDir: metadata[OWNER_KEYS.workspace] ?? DEFAULT_WORKSPACE_DIR,
    ...(name === undefined ? {} : { name }),
  };
}

/** Refuses a ref made by another backend, naming both. */
export function checkRefBackend(ref: SandboxRef, backend: string): void {
  if (ref.backend !== backend) {
    throw new UsageError(`sandbox ref ${ref.id} belongs to backend "${ref.backend}", not "${backend}"`, {
      backend,
    });
  }
}

/**
 * Refuses a native snapshot taken by another backend (to create from, or to delete), naming both;
 * `provider` is the provider's name in prose: "not an E2B one".
 */
export function checkSnapshotBackend(
  snapshot: NativeSnapshotHandle,
  backend: string,
  provider: string,
): void {
  if (snapshot.backend !== backend) {
    const article = /^[aeiou]/i.test(provider) ? 'an' : 'a';
    throw new UsageError(
      `snapshot ${snapshot.id} is a ${snapshot.backend} snapshot, not ${article} ${provider} one`,
      { backend },
    );
  }
}
