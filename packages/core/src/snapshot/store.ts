import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { NotFoundError, StateError, UsageError, type AgentkernelError } from '../errors/errors.js';
import { validateSandboxName } from '../names.js';
import { atomicWriteFile } from '../state/index.js';
import { checkSnapshotManifest, type SnapshotManifest } from './manifest.js';

/**
 * Where portable snapshots live. A snapshot is created whole or not at all: `create` hands the writer
 * a sink for the archive and commits only once the writer returns a valid manifest. (The archive is
 * not forced to disk: a snapshot damaged by a power loss fails its checksum before any restore.)
 */
export interface SnapshotStore {
  /** Every readable snapshot, oldest first; unreadable ones are reported to `onInvalid` and skipped. */
  list(options?: {
    onInvalid?: (name: string, error: AgentkernelError) => void;
  }): Promise<SnapshotManifest[]>;
  /** The manifest of `name`; `NotFoundError` when there is none. */
  read(name: string): Promise<SnapshotManifest>;
  has(name: string): Promise<boolean>;
  /**
   * Creates `name`: `write` streams the gzip tar into `archive` (ending it) and returns the manifest.
   * A `UsageError` when the name is taken; on any failure nothing is left behind.
   */
  create(name: string, write: (archive: Writable) => Promise<SnapshotManifest>): Promise<SnapshotManifest>;
  /** Removes `name` (`NotFoundError` when absent). */
  delete(name: string): Promise<void>;
  /** Streams the archive of `name`. */
  openArchive(name: string): Promise<Readable>;
}

const MANIFEST = 'manifest.json';
const ARCHIVE = 'workspace.tar.gz';

/** The default store: `<dir>/<name>/manifest.json` and `workspace.tar.gz` (dir is `StateStore.snapshotsDir`). */
export class LocalSnapshotStore implements SnapshotStore {
  constructor(readonly dir: string) {}

  /** The archive file of `name` (it exists once `create` returned). */
  archivePath(name: string): string {
    return join(this.dir, validateSandboxName(name, 'snapshot name'), ARCHIVE);
  }

  async list(
    options: { onInvalid?: (name: string, error: AgentkernelError) => void } = {},
  ): Promise<SnapshotManifest[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw new StateError(`cannot list snapshots in ${this.dir}: ${error.message}`, { cause: error });
    });
    const manifests: SnapshotManifest[] = [];
    // Hidden names are snapshots being written or deleted.
    for (const name of names.filter((n) => !n.startsWith('.')).sort()) {
      try {
        manifests.push(await this.read(name));
      } catch (error) {
        if (!options.onInvalid) throw error;
        options.onInvalid(name, error as AgentkernelError);
      }
    }
    return manifests.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async read(name: string): Promise<SnapshotManifest> {
    validateSandboxName(name, 'snapshot name');
    const file = join(this.dir, name, MANIFEST);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(`no snapshot "${name}" in ${this.dir}`, {
          code: 'SNAPSHOT_NOT_FOUND',
          hint: 'list them with: agentkernel snapshot list',
        });
      }
      throw new StateError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StateError(`${file} is not valid JSON: ${(error as Error).message}`, {
        cause: error,
        code: 'SNAPSHOT_MANIFEST_INVALID',
      });
    }
    const { manifest, problems } = checkSnapshotManifest(parsed);
    if (!manifest)
      throw new StateError(
        `${file} is not a valid snapshot manifest:\n${problems.map((p) => `  ${p}`).join('\n')}`,
        { code: 'SNAPSHOT_MANIFEST_INVALID' },
      );
    if (manifest.name !== name)
      throw new StateError(`${file}: name: must equal its folder name "${name}", got "${manifest.name}"`, {
        code: 'SNAPSHOT_MANIFEST_INVALID',
      });
    return manifest;
  }

  async has(name: string): Promise<boolean> {
    validateSandboxName(name, 'snapshot name');
    return stat(join(this.dir, name)).then(
      () => true,
      () => false,
    );
  }

  async create(
    name: string,
    write: (archive: Writable) => Promise<SnapshotManifest>,
  ): Promise<SnapshotManifest> {
    validateSandboxName(name, 'snapshot name');
    const taken = (): UsageError =>
      new UsageError(`a snapshot named "${name}" already exists`, {
        hint: `choose another name, or delete it with: agentkernel snapshot delete ${name}`,
      });
    if (await this.has(name)) throw taken();
    const staging = join(this.dir, `.creating-${name}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(staging, { recursive: true });
      const archivePath = join(staging, ARCHIVE);
      const manifest = await write(createWriteStream(archivePath, { flags: 'wx' }));
      const { problems } = checkSnapshotManifest(manifest);
      if (problems.length > 0 || manifest.name !== name) {
        throw new StateError(
          `refusing to store an invalid manifest for snapshot "${name}": ${problems.join('; ') || `name is "${manifest.name}"`}`,
        );
      }
      await atomicWriteFile(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      try {
        await rename(staging, join(this.dir, name));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') throw taken();
        throw error;
      }
      return manifest;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    validateSandboxName(name, 'snapshot name');
    const doomed = join(this.dir, `.deleting-${name}-${randomBytes(4).toString('hex')}`);
    try {
      // Renamed away first, so the snapshot vanishes at once even if removing its files is slow.
      await rename(join(this.dir, name), doomed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new NotFoundError(`no snapshot "${name}" in ${this.dir}`, { code: 'SNAPSHOT_NOT_FOUND' });
      throw new StateError(`cannot delete snapshot "${name}": ${(error as Error).message}`, { cause: error });
    }
    await rm(doomed, { recursive: true, force: true });
  }

  async openArchive(name: string): Promise<Readable> {
    const path = this.archivePath(name);
    await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT')
        throw new NotFoundError(`snapshot "${name}" has no archive at ${path}`, {
          code: 'SNAPSHOT_NOT_FOUND',
        });
      throw new StateError(`cannot read ${path}: ${error.message}`, { cause: error });
    });
    return createReadStream(path, { highWaterMark: 1 << 20 });
  }
}
