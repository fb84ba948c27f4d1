import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll } from '@agentkernel/core/isolation';
import { procDirOf } from './sandbox-spawn.js';

/** Something a fake stops when it closes: its listener, its state. */
export interface Closable {
  close(): Promise<void>;
}

/** The folders of one running fake: its data folder and where it records the commands it runs. */
export interface FakeHome {
  readonly dataDir: string;
  /** See {@link procDirOf}. */
  readonly procDir: string;
  /**
   * Closes `parts` in order (the listener first, so that no new command starts), then kills every
   * command the fake ran and removes the data folder when the fake made it.
   */
  close(...parts: readonly Closable[]): Promise<void>;
}

/**
 * The folders a fake of `provider` keeps its sandboxes in: `dataDir` when given (left in place on
 * close), else a fresh temporary folder (removed on close).
 */
export async function openFakeHome(provider: string, dataDir?: string): Promise<FakeHome> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), `agentkernel-fake-${provider}-`)));
  const procDir = procDirOf(dir);
  await mkdir(procDir, { recursive: true });
  return {
    dataDir: dir,
    procDir,
    close: async (...parts) => {
      for (const part of parts) await part.close();
      await killAll(procDir);
      if (dataDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
