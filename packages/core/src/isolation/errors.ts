import { AgentkernelError, ExitCode, type AgentkernelErrorOptions } from '../errors/errors.js';

/** The commands that install bubblewrap on the common distributions. */
export const BUBBLEWRAP_INSTALL_HINT =
  'install bubblewrap: apt-get install -y bubblewrap (Debian, Ubuntu) or dnf install bubblewrap (Fedora, RHEL)';

/**
 * A tool isolation needs (bubblewrap, or pasta for a sandbox's network) is not installed, not on PATH,
 * or cannot create a sandbox here. The message ends with the install command. Exit code 3.
 */
export class IsolationUnavailableError extends AgentkernelError {
  constructor(problem: string, options?: AgentkernelErrorOptions, installHint = BUBBLEWRAP_INSTALL_HINT) {
    super('ISOLATION_UNAVAILABLE', `${problem}; ${installHint}`, ExitCode.backend, {
      hint: `${installHint}, or choose to run commands without isolation yourself: --isolation none, or [local] isolation = "none" in ~/.config/agentkernel/config.toml`,
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
