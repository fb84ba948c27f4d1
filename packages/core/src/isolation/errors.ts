import { AgentkernelError, ExitCode, type AgentkernelErrorOptions } from '../errors/errors.js';

/** The commands that install bubblewrap on the common distributions. */
export const BUBBLEWRAP_INSTALL_HINT =
  'install bubblewrap: apt-get install -y bubblewrap (Debian, Ubuntu) or dnf install bubblewrap (Fedora, RHEL)';

/** bubblewrap (`bwrap`) is not installed, not on PATH, or cannot create a sandbox here. Exit code 3. */
export class IsolationUnavailableError extends AgentkernelError {
  constructor(problem: string, options?: AgentkernelErrorOptions) {
    super('ISOLATION_UNAVAILABLE', `${problem}; ${BUBBLEWRAP_INSTALL_HINT}`, ExitCode.backend, {
      hint: `${BUBBLEWRAP_INSTALL_HINT}, or choose to run commands without isolation yourself: --isolation none, or [local] isolation = "none" in ~/.config/agentkernel/config.toml`,
      ...options,
    });
  }
}

/** An isolated command could not be set up (bad options, a tracking file that cannot be written). Exit code 3. */
export class IsolationError extends AgentkernelError {
  constructor(message: string, options?: AgentkernelErrorOptions) {
    super('ISOLATION', message, ExitCode.backend, options);
  }
}
