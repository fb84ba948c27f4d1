import { join } from 'node:path';
import type { BackendContext, Logger } from '@agentkernel/core';
import { requireBubblewrap, type IsolationMode } from '@agentkernel/core/isolation';
import { BACKEND_NAME } from './name.js';

/**
 * What the local backend reads of its context: only `dataDir` (where sandboxes and native snapshots are
 * kept) is required, so tests and benchmarks can open one without the CLI. `config.isolation` is
 * `bubblewrap` (the default) or `none`; bwrap is looked up on `env.PATH` (else `process.env.PATH`).
 */
export type LocalBackendContext = Pick<BackendContext, 'dataDir'> &
  Partial<Pick<BackendContext, 'config' | 'env' | 'logger'>>;

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** What the backend and its sandbox handles share. */
export class LocalRuntime {
  readonly mode: IsolationMode;
  readonly logger: Logger;
  readonly sandboxesDir: string;
  readonly snapshotsDir: string;
  readonly searchPath: string | undefined;
  private bwrap: Promise<string> | undefined;

  constructor(context: LocalBackendContext) {
    // Core has checked the value against the config schema's choices.
    this.mode = (context.config?.isolation as IsolationMode | undefined) ?? 'bubblewrap';
    this.logger = context.logger ?? silent;
    this.searchPath = context.env?.PATH;
    this.sandboxesDir = join(context.dataDir, 'sandboxes');
    this.snapshotsDir = join(context.dataDir, 'snapshots');
  }

  /** The bwrap executable (looked up once), or undefined without isolation; throws when it is missing. */
  async bwrapPath(): Promise<string | undefined> {
    if (this.mode === 'none') return undefined;
    this.bwrap ??= requireBubblewrap(this.searchPath, BACKEND_NAME);
    try {
      return await this.bwrap;
    } catch (error) {
      // Installing bubblewrap must not need a restart of a long-lived process.
      this.bwrap = undefined;
      throw error;
    }
  }

  /** Called before every user command: without isolation the user is told each time. */
  warnUnisolated(): void {
    if (this.mode === 'none') this.logger.warn('running without isolation ([local] isolation = "none")');
  }
}
