import { join } from 'node:path';
import type { Logger } from '@agentkernel/core';
import { requireBubblewrap, type IsolationMode } from '@agentkernel/core/isolation';

/** How the local backend was opened. */
export interface LocalBackendOptions {
  /** Where sandboxes (`sandboxes/<id>/`) and native snapshots (`snapshots/<id>/`) are kept. */
  readonly dataDir: string;
  /** `bubblewrap` (the default) or `none` (no isolation: every command warns). */
  readonly isolation?: IsolationMode;
  /** The PATH to find bwrap on; `process.env.PATH` when absent. */
  readonly searchPath?: string;
  /** Receives the no-isolation warnings and debug notes. */
  readonly logger?: Logger;
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** What the backend and its sandbox handles share. */
export class LocalRuntime {
  readonly mode: IsolationMode;
  readonly logger: Logger;
  readonly sandboxesDir: string;
  readonly snapshotsDir: string;
  readonly searchPath: string | undefined;
  private bwrap: Promise<string> | undefined;

  constructor(options: LocalBackendOptions) {
    this.mode = options.isolation ?? 'bubblewrap';
    this.logger = options.logger ?? silent;
    this.searchPath = options.searchPath;
    this.sandboxesDir = join(options.dataDir, 'sandboxes');
    this.snapshotsDir = join(options.dataDir, 'snapshots');
  }

  /** The bwrap executable (looked up once), or undefined without isolation; throws when it is missing. */
  async bwrapPath(): Promise<string | undefined> {
    if (this.mode === 'none') return undefined;
    this.bwrap ??= requireBubblewrap(this.searchPath, 'local');
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
