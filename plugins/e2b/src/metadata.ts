import { checkRefBackend, DEFAULT_WORKSPACE_DIR, type SandboxRef } from '@agentkernel/core';
import { BACKEND } from './errors.js';

/** What a ref keeps besides the sandbox id (never a secret: no access token). */
export interface RefInfo {
  readonly name?: string;
  readonly workspaceDir: string;
  readonly template?: string;
  readonly idleTimeoutMs?: number;
  /** When the sandbox's TTL ends (ISO 8601): E2B's timeout is never set past it. */
  readonly expiresAt?: string;
  /** The sandbox domain E2B returned at create, when it differs from the configured one. */
  readonly sandboxDomain?: string;
}

export function makeRef(id: string, info: RefInfo): SandboxRef {
  const metadata: Record<string, string> = { workspaceDir: info.workspaceDir };
  if (info.name !== undefined) metadata.name = info.name;
  if (info.template !== undefined) metadata.template = info.template;
  if (info.idleTimeoutMs !== undefined) metadata.idleTimeoutMs = String(info.idleTimeoutMs);
  if (info.expiresAt !== undefined) metadata.expiresAt = info.expiresAt;
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
    ...(ref.metadata.expiresAt === undefined || !Number.isFinite(Date.parse(ref.metadata.expiresAt))
      ? {}
      : { expiresAt: ref.metadata.expiresAt }),
    ...(ref.metadata.sandboxDomain === undefined ? {} : { sandboxDomain: ref.metadata.sandboxDomain }),
  };
}

/** The timeout E2B gives a sandbox when a create or connect names none (its API's default). */
export const E2B_DEFAULT_TIMEOUT_MS = 300_000;

/**
 * The `timeoutMs` to send on create and connect. E2B's timeout is when it ends (kills or pauses) the
 * sandbox, and a connect only ever moves it later, so it works as an idle timer: the idle timeout, or
 * E2B's default. With a TTL it is never set past the expiry, so E2B ends the sandbox at its TTL at the
 * latest, give or take a slow request (never less than a second: E2B refuses 0). `undefined`: leave E2B's default.
 */
export function timeoutFor(
  info: Pick<RefInfo, 'idleTimeoutMs' | 'expiresAt'>,
  now = Date.now(),
): number | undefined {
  if (info.expiresAt === undefined) return info.idleTimeoutMs;
  // E2B counts whole seconds (rounding up), and its clock reads a request later than ours: a second
  // is kept in hand so that its end is not past the expiry.
  const left = Math.max(1000, Math.floor((Date.parse(info.expiresAt) - now - 1000) / 1000) * 1000);
  return Math.min(info.idleTimeoutMs ?? E2B_DEFAULT_TIMEOUT_MS, left);
}
