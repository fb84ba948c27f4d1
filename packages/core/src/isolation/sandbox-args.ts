import { resolverBindArgs, systemBindArgs } from './bubblewrap.js';
import { checkWorkspaceDir, SANDBOX_HOME, type IsolationOptions } from './options.js';

/**
 * What every sandbox gets on top of its namespaces, so that a command run by root has no power over
 * the host. `--cap-drop ALL` leaves no effective, permitted or ambient capability (bwrap also sets
 * no-new-privs, so no setuid or file-capability binary gives one back), which alone makes a remount of
 * `/etc` fail. `/proc` is read-only because a capability-less uid 0 may still write most of
 * `/proc/sys` (`kernel/core_pattern` runs a program as host root) and `/proc/sysrq-trigger` (reboots
 * the host); the sandbox's own root folder is read-only so only its binds and `/tmp` can be written.
 */
export const HARDENING_ARGS: readonly string[] = ['--cap-drop', 'ALL'];

/** How {@link sandboxArgs} sets a sandbox up. */
export interface SandboxShape {
  /** The command shares this process's terminal (no new session). */
  readonly interactive: boolean;
  /**
   * A long-lived environment rather than one command: it outlives this process (no
   * `--die-with-parent`) and always has its own network namespace (pasta connects it when the
   * network is on).
   */
  readonly live?: boolean;
  /**
   * With {@link live} and the network on: the environment uses this machine's network rather than a
   * namespace of its own, as a provider fake's sandboxes do so that its edge reaches their servers.
   */
  readonly hostNetwork?: boolean;
  readonly hostname?: string;
}

/** The bwrap arguments that build a sandbox, up to (not including) the command. */
export async function sandboxArgs(
  options: IsolationOptions,
  workspaceDir: string,
  shape: SandboxShape,
): Promise<string[]> {
  const args = [...(await systemBindArgs()), '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp'];
  if (options.home !== undefined) args.push('--bind', options.home, SANDBOX_HOME);
  args.push('--bind', options.root, workspaceDir);
  for (const bind of options.binds ?? [])
    args.push('--bind', bind.hostPath, checkWorkspaceDir(bind.sandboxPath, options.backend));
  // A private pid namespace means killing its init ends every process the sandbox started.
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts');
  if (!shape.live) args.push('--die-with-parent');
  if (shape.hostname !== undefined) args.push('--hostname', shape.hostname);
  if (options.network) args.push(...(await resolverBindArgs()));
  if (!options.network || (shape.live && shape.hostNetwork !== true)) args.push('--unshare-net');
  // A new session stops a command from injecting input into our terminal (TIOCSTI), but a shell needs the terminal.
  if (!shape.interactive) args.push('--new-session');
  args.push(...HARDENING_ARGS);
  // Last: every mount point above had to be created in the root before it turns read-only.
  args.push('--remount-ro', '/proc', '--remount-ro', '/');
  return args;
}
