export { bubblewrapPath, findOnPath, requireBubblewrap } from './bubblewrap.js';
export {
  cgroupSupport,
  createSandboxCgroup,
  removeSandboxCgroup,
  type CgroupSupport,
  type ResourceLimits,
} from './cgroup.js';
export { checkIsolation, type IsolationCheck } from './check.js';
export {
  environmentAlive,
  startEnvironment,
  stopEnvironment,
  type EnvironmentRecord,
  type StartEnvironmentOptions,
} from './environment.js';
export { BUBBLEWRAP_INSTALL_HINT, IsolationError, IsolationUnavailableError } from './errors.js';
export {
  DEFAULT_WORKSPACE_DIR,
  SANDBOX_HOME,
  SANDBOX_PATH,
  SYSTEM_FOLDERS,
  checkWorkspaceDir,
  sandboxCwd,
  unisolatedPath,
  type IsolationBind,
  type IsolationMode,
  type IsolationOptions,
  type JoinTarget,
} from './options.js';
export {
  PASTA_INSTALL_HINT,
  pastaPath,
  requirePasta,
  type ForwardedPort,
  type NetworkRecord,
} from './network.js';
export { killAll, killEnvironmentsIn } from './procs.js';
export { runIsolated, type RunIsolatedOptions } from './run.js';
export {
  spawnIsolated,
  type IsolatedExit,
  type IsolatedProcess,
  type SpawnIsolatedOptions,
} from './spawn.js';
export {
  resolveSandboxPath,
  type PathMount,
  type ResolveSandboxPathOptions,
  type ResolvedSandboxPath,
  type UnresolvedSandboxPath,
} from './sandbox-paths.js';
