import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { AgentkernelError, NotFoundError, StateError, UsageError } from '../errors/errors.js';
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
   * Creates `name`: `write` streams the gzip tar into `archive` (ending it) and returns the manifest;
   * `scratchDir` is an empty folder it may use meanwhile, removed with everything else afterwards. A
   * `UsageError` when the name is taken; on any failure nothing is left behind, and what a killed
   * process left is swept by the next call of any method.
   */
  create(
    name: string,
    write: (archive: Writable, scratchDir: string) => Promise<SnapshotManifest>,
  ): Promise<SnapshotManifest>;
  /** Removes `name` (`NotFoundError` when absent). */
  delete(name: string): Promise<void>;
  /** Streams the archive of `name`. */
  openArchive(name: string): Promise<Readable>;
}

const MANIFEST = 'manifest.json';
const ARCHIVE = 'workspace.tar.gz';
const SCRATCH = 'scratch';
/** In a folder being created: which process owns it (`<pid> <start time>`). */
const OWNER = '.owner';
const CREATING = '.creating-';
const DELETING = '.deleting-';
/** A folder being created whose owner file is not written yet is left alone this long. */
const UNOWNED_GRACE_MS = 60_000;

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
    await this.sweep();
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
        // read() wraps every failure it expects; anything else is a bug and propagates.
        if (!options.onInvalid || !AgentkernelError.isInstance(error)) throw error;
        options.onInvalid(name, error);
      }
    }
    return manifests.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async read(name: string): Promise<SnapshotManifest> {
    validateSandboxName(name, 'snapshot name');
    await this.sweep();
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
    write: (archive: Writable, scratchDir: string) => Promise<SnapshotManifest>,
  ): Promise<SnapshotManifest> {
    validateSandboxName(name, 'snapshot name');
    await this.sweep();
    const taken = (): UsageError =>
      new UsageError(`a snapshot named "${name}" already exists`, {
        hint: `choose another name, or delete it with: agentkernel snapshot delete ${name}`,
      });
    if (await this.has(name)) throw taken();
    const staging = join(this.dir, `${CREATING}${name}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(staging, { recursive: true });
      await writeFile(join(staging, OWNER), await ownerOf(process.pid));
      const scratch = join(staging, SCRATCH);
      await mkdir(scratch);
      const archivePath = join(staging, ARCHIVE);
      const manifest = await write(createWriteStream(archivePath, { flags: 'wx' }), scratch);
      await rm(scratch, { recursive: true, force: true });
      const { problems } = checkSnapshotManifest(manifest);
      if (problems.length > 0 || manifest.name !== name) {
        throw new StateError(
          `refusing to store an invalid manifest for snapshot "${name}": ${problems.join('; ') || `name is "${manifest.name}"`}`,
        );
      }
      await atomicWriteFile(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      // A sweep meanwhile sees a folder this recent without an owner and leaves it alone.
      await rm(join(staging, OWNER));
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
    await this.sweep();
    const doomed = join(this.dir, `${DELETING}${name}-${randomBytes(4).toString('hex')}`);
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

  /**
   * Removes what killed processes left: folders being deleted (the deletion was decided), and folders
   * being created whose owner process is gone.
   */
  async sweep(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.dir, name);
      if (name.startsWith(DELETING) || (name.startsWith(CREATING) && !(await ownerAlive(path))))
        await rm(path, { recursive: true, force: true }).catch(() => undefined);
    }
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

/** `<pid> <start time>`: the start time tells a live owner from a new process that reused its pid. */
async function ownerOf(pid: number): Promise<string> {
  return `${pid} ${await startTimeOf(pid)}`;
}

/** A process's start time from /proc (clock ticks since boot), or '' where there is no /proc. */
async function startTimeOf(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Field 22; the command name (field 2) may hold spaces, so count from its closing parenthesis.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

async function ownerAlive(folder: string): Promise<boolean> {
  const owner = await readFile(join(folder, OWNER), 'utf8').catch(() => undefined);
  if (owner === undefined) {
    const stats = await stat(folder).catch(() => undefined);
    return stats !== undefined && Date.now() - stats.mtimeMs < UNOWNED_GRACE_MS;
  }
  const [pid = '', started = ''] = owner.split(' ');
  if (!/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return started === '' || (await startTimeOf(Number(pid))) === started;
}
