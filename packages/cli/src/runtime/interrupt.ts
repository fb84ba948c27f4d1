import { AgentkernelError } from '@agentkernel/core';

/** Exit code of a command ended by Ctrl-C, as shells report it (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

/** The user pressed Ctrl-C (or the CLI got SIGTERM); the work was stopped and cleaned up. */
export class InterruptedError extends AgentkernelError {
  constructor(signal: string) {
    super('INTERRUPTED', `interrupted by ${signal}`, INTERRUPTED_EXIT_CODE);
  }
}

/**
 * Runs `body` with an AbortSignal that fires on the first SIGINT or SIGTERM, so the command in the
 * sandbox is killed and cleanup (`finally` blocks, destroying a `run` sandbox) still happens. A second
 * signal exits at once. When the body fails because of the abort, the error becomes `InterruptedError`.
 */
export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let received: string | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) process.exit(INTERRUPTED_EXIT_CODE);
    received = signal;
    controller.abort(new InterruptedError(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(controller.signal);
  } catch (error) {
    if (received !== undefined) throw new InterruptedError(received);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
