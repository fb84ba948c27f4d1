import { posix } from 'node:path';
import { IsolationError } from './errors.js';

/** `bubblewrap` runs commands in a bwrap sandbox; `none` runs them directly on the host (no isolation). */
export type IsolationMode = 'bubblewrap' | 'none';

export { DEFAULT_WORKSPACE_DIR } from '../config/schema.js';

/** Where a sandbox's persistent home folder ({@link IsolationOptions.home}) appears inside bubblewrap. */
export const SANDBOX_HOME = '/home/sandbox';

/** The PATH every isolated command starts with (the command's env may override it). */
export const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Describes one sandbox: which host folders back it and how it is isolated. */
export interface IsolationOptions {
  /** The host folder that is the sandbox's workspace (bound at {@link workspaceDir} under bubblewrap). */
  readonly root: string;
  /** The workspace path commands see, `/workspace` by default. */
  readonly workspaceDir?: string;
  /** `bubblewrap` (the default) or `none`. */
  readonly mode?: IsolationMode;
  /** Whether commands may use the host's network; without it they get a private, loopback-only one. */
  readonly network: boolean;
  /**
   * A host folder kept as the sandbox's home directory (`HOME`, bound at `/home/sandbox` under
   * bubblewrap). Without it `HOME` is `/tmp`, which lasts one command.
   */
  readonly home?: string;
  /**
   * An existing folder where each running command is recorded (one file per process group), so that
   * {@link killAll} from any process can end them. Without it commands are not tracked.
   */
  readonly procDir?: string;
  /** The bwrap executable; looked up on {@link searchPath} when absent. */
  readonly bwrapPath?: string;
  /** The PATH to find bwrap on; `process.env.PATH` when absent. */
  readonly searchPath?: string;
  /** Names the backend in error messages (`[agentkernel] [<backend>] ...`). */
  readonly backend?: string;
  /**
   * More host folders bound read-write into the sandbox (bubblewrap only), after the workspace, the
   * home and the private `/tmp`; a bind at `/tmp` replaces the private one. A provider fake uses this to
   * give a sandbox a persistent `/tmp` and home, as a VM's disk would.
   */
  readonly binds?: readonly IsolationBind[];
  /**
   * A running environment of this sandbox ({@link startEnvironment}) that the command joins instead of
   * getting a sandbox of its own: it then sees the environment's `/tmp`, processes and network, and
   * whatever it leaves in the background keeps running until the environment stops. The folders and
   * network of the options are the environment's; only the command's own settings apply.
   */
  readonly environment?: JoinTarget;
}

/** What a command needs to join a running environment: its init's host pid, and its cgroup if it has one. */
export interface JoinTarget {
  readonly pid: number;
  readonly cgroup?: string;
}

/** One extra read-write bind of {@link IsolationOptions.binds}. */
export interface IsolationBind {
  readonly hostPath: string;
  /** Absolute, outside the system folders (checked like the workspace directory). */
  readonly sandboxPath: string;
}

/** The host's system folders every isolated command sees read-only (those that exist). */
export const SYSTEM_FOLDERS = [
  '/usr',
  '/etc',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
] as const;

const SYSTEM_PREFIXES = [...SYSTEM_FOLDERS, '/proc', '/dev', '/sys'];

/** Checks and normalises a workspace directory: absolute, not `/`, not inside a system folder. */
export function checkWorkspaceDir(dir: string, backend?: string): string {
  const normal = posix.normalize(dir).replace(/\/+$/, '');
  const inside = (prefix: string): boolean => normal === prefix || normal.startsWith(`${prefix}/`);
  if (!posix.isAbsolute(dir) || normal === '' || SYSTEM_PREFIXES.some(inside) || inside(SANDBOX_HOME)) {
    throw new IsolationError(
      `workspace directory "${dir}" must be an absolute path outside /, ${SYSTEM_PREFIXES.join(', ')} and ${SANDBOX_HOME}`,
      backend === undefined ? {} : { backend },
    );
  }
  return normal;
}

/** Resolves a command's working directory as the sandbox sees it (relative paths are under the workspace). */
export function sandboxCwd(workspaceDir: string, cwd: string | undefined): string {
  return cwd === undefined ? workspaceDir : posix.resolve(workspaceDir, cwd);
}

/**
 * Maps a sandbox path to the host path that backs it when commands run without isolation: the
 * workspace directory becomes the host folder; any other absolute path is the same host path.
 */
export function unisolatedPath(root: string, workspaceDir: string, sandboxPath: string): string {
  if (sandboxPath === workspaceDir) return root;
  if (sandboxPath.startsWith(`${workspaceDir}/`))
    return posix.join(root, sandboxPath.slice(workspaceDir.length + 1));
  return sandboxPath;
}
