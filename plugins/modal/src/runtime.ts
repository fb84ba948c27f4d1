import type { Logger, Retrier } from '@agentkernel/core';
import type * as Modal from 'modal';
import type { ModalModule } from './client.js';
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
