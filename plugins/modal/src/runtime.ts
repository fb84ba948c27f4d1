import type { Logger, Replay, Retrier } from '@agentkernel/core';
import type * as Modal from 'modal';
import type { ModalModule } from './client.js';
import { toAgentkernelError, type Doing } from './errors.js';
import type { ModalSettings } from './options.js';

/** What every part of an opened backend shares. */
export interface Runtime {
  readonly sdk: ModalModule;
  readonly client: Modal.ModalClient;
  readonly settings: ModalSettings;
  readonly logger: Logger;
  readonly retrier: Retrier;
  /** The app that holds our sandboxes, looked up (or created) once. */
  app(): Promise<Modal.App>;
}

/** Runs an SDK call with the backend's retries (as `replay` allows); a failure becomes an agentkernel error. */
export async function call<T>(
  runtime: Pick<Runtime, 'retrier'>,
  doing: Doing,
  replay: Replay,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await runtime.retrier.run(doing.action, replay, operation);
  } catch (error) {
    throw toAgentkernelError(error, doing);
  }
}
