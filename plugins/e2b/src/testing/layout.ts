import type { ResolvedSandboxPath } from '@agentkernel/core/isolation';
import { resolveInSandbox, type SandboxLayout } from '@agentkernel/fake-kit';

/** E2B's default user and its home, where envd starts commands and resolves relative paths. */
export const SANDBOX_USER = 'user';
export const SANDBOX_HOME = '/home/user';

/** A sandbox of E2B's `base` template (plus `/workspace` for agentkernel), as the fake keeps it. */
export const E2B_LAYOUT: SandboxLayout = {
  writable: ['/workspace', SANDBOX_HOME, '/root', '/tmp', '/opt'],
  home: SANDBOX_HOME,
  user: SANDBOX_USER,
};

export type ResolvedPath = ResolvedSandboxPath;

/** Resolves a path of an E2B sandbox as envd does (relative paths under the user's home). */
export function resolveSandboxPath(
  root: string,
  path: string,
  followLast = true,
): Promise<ResolvedPath | undefined> {
  return resolveInSandbox(root, E2B_LAYOUT, path, followLast);
}
