import { Readable } from 'node:stream';
import {
  execOverText,
  getArchiveViaExec,
  putArchiveViaExec,
  RemoteSandbox,
  type Doing,
  type Endpoint,
  type ExecOptions,
  type ExecResult,
  type NativeSnapshotHandle,
  type Replay,
  type SandboxHandle,
  type SandboxRef,
  type SandboxStatus,
  type ShellOptions,
  type WriteFileOptions,
} from '@agentkernel/core';
import { BACKEND, isNotFound, toAgentkernelError } from './errors.js';
import { ttlMinutesUntil } from './lifetime.js';
import { refInfo, type RefInfo } from './metadata.js';
import { retrying, type Runtime, type SdkSandbox } from './runtime.js';
import { sessionApi } from './session-exec.js';
import { withSpool } from './spool.js';
import { openShell } from './shell.js';
import { takeSnapshot } from './snapshots.js';

/** How long a signed preview URL of a private sandbox stays valid. */
const SIGNED_PREVIEW_SECONDS = 24 * 60 * 60;

/** Daytona's sandbox states as agentkernel's. */
export function statusOf(state: string | undefined): SandboxStatus {
  switch (state) {
    case 'started':
      return 'running';
    case 'stopped':
    case 'paused':
    case 'archived':
    case 'stopping':
    case 'pausing':
    case 'archiving':
      return 'stopped';
    case 'destroyed':
    case 'destroying':
      return 'gone';
    case 'error':
    case 'build_failed':
    case undefined:
      return 'unknown';
    default:
      return 'starting';
  }
}

/** One Daytona sandbox. Holds the SDK `Sandbox` once an operation needed one. */
export class DaytonaSandboxHandle extends RemoteSandbox<RefInfo> implements SandboxHandle {
  private sdkSandbox: SdkSandbox | undefined;

  constructor(
    private readonly runtime: Runtime,
    ref: SandboxRef,
    fetched?: SdkSandbox,
  ) {
    super(BACKEND, ref, refInfo(ref));
    this.sdkSandbox = fetched;
  }

  /** The SDK sandbox, fetched once; a sandbox Daytona does not know is gone. */
  private async sandbox(): Promise<SdkSandbox> {
    if (this.destroyed) throw this.gone();
    if (this.sdkSandbox !== undefined) return this.sdkSandbox;
    const doing = { action: 'looking up the sandbox', sandboxId: this.id };
    try {
      this.sdkSandbox = await retrying(this.runtime, doing, 'idempotent', () =>
        this.runtime.client.get(this.id),
      );
    } catch (error) {
      if (isNotFound(error)) throw this.gone(error);
      throw toAgentkernelError(error, doing);
    }
    return this.sdkSandbox;
  }

  /** Runs a toolbox call; a not-found answer is checked against the sandbox's status (gone, or really not found). */
  private async toolbox<T>(
    doing: Doing,
    replay: Replay,
    operation: (sandbox: SdkSandbox) => Promise<T>,
  ): Promise<T> {
    const sandbox = await this.sandbox();
    try {
      return await retrying(this.runtime, doing, replay, () => operation(sandbox));
    } catch (error) {
      if (
        isNotFound(error) &&
        (error as Error).name !== 'DaytonaFileNotFoundError' &&
        (await this.status()) === 'gone'
      )
        throw this.gone(error);
      throw toAgentkernelError(error, doing);
    }
  }

  async status(): Promise<SandboxStatus> {
    if (this.destroyed) return 'gone';
    const doing = { action: 'asking for the sandbox status', sandboxId: this.id };
    try {
      const sandbox = await retrying(this.runtime, doing, 'idempotent', () =>
        this.runtime.client.get(this.id),
      );
      this.sdkSandbox = sandbox;
      return statusOf(sandbox.state);
    } catch (error) {
      if (isNotFound(error)) return 'gone';
      throw toAgentkernelError(error, doing);
    }
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.guardExec(
      argv,
      options,
      async () =>
        execOverText(
          sessionApi(this.runtime, await this.sandbox()),
          argv,
          { ...options, cwd: this.resolve(options.cwd ?? '.') },
          { backend: BACKEND, sandboxId: this.id },
        ),
      async (error, doing) =>
        isNotFound(error) && (await this.status()) === 'gone'
          ? this.gone(error)
          : toAgentkernelError(error, doing),
    );
  }

  async readFile(path: string): Promise<Buffer> {
    const target = this.resolve(path);
    return this.toolbox(
      { action: `reading ${target}`, sandboxId: this.id, path: target },
      'idempotent',
      (sandbox) => sandbox.fs.downloadFile(target, this.runtime.timeoutSeconds),
    );
  }

  async writeFile(path: string, data: Uint8Array | Readable, options: WriteFileOptions = {}): Promise<void> {
    const target = this.resolve(path);
    const doing = { action: `writing ${target}`, sandboxId: this.id, path: target };
    if (data instanceof Uint8Array) {
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      await this.toolbox(doing, 'idempotent', (sandbox) => sandbox.fs.uploadFile(bytes, target));
    } else {
      // A stream can be sent once only: it is spooled to a local file first, which the SDK uploads
      // (streaming it from disk) as often as a retry needs.
      await withSpool(data, (file) =>
        this.toolbox(doing, 'idempotent', (sandbox) => sandbox.fs.uploadFile(file, target)),
      );
    }
    if (options.mode !== undefined) {
      const mode = (options.mode & 0o7777).toString(8);
      await this.toolbox(
        { action: `setting the mode of ${target}`, sandboxId: this.id, path: target },
        'idempotent',
        (sandbox) => sandbox.fs.setFilePermissions(target, { mode }),
      );
    }
  }

  async removeFile(path: string): Promise<void> {
    const target = this.resolve(path);
    await this.removing(
      this.toolbox(
        { action: `removing ${target}`, sandboxId: this.id, path: target },
        'idempotent',
        (sandbox) => sandbox.fs.deleteFile(target, true),
      ),
    );
  }

  async mkdir(path: string): Promise<void> {
    const target = this.resolve(path);
    await this.toolbox(
      { action: `creating directory ${target}`, sandboxId: this.id, path: target },
      'idempotent',
      (sandbox) => sandbox.fs.createFolder(target, '755'),
    );
  }

  async putArchive(dir: string, archive: Readable): Promise<void> {
    await putArchiveViaExec(this, this.resolve(dir), archive);
  }

  async getArchive(dir: string, paths?: readonly string[]): Promise<Readable> {
    return getArchiveViaExec(this, this.resolve(dir), paths, (temp) =>
      this.toolbox(
        { action: `downloading ${temp}`, sandboxId: this.id, path: temp },
        'idempotent',
        async (sandbox) =>
          Readable.from(await sandbox.fs.downloadFileStream(temp, this.runtime.timeoutSeconds * 30)),
      ),
    );
  }

  async endpoints(ports: readonly number[]): Promise<Endpoint[]> {
    const sandbox = await this.sandbox();
    const out: Endpoint[] = [];
    for (const port of ports) {
      const doing = { action: `getting the preview link of port ${port}`, sandboxId: this.id };
      // A private sandbox's plain preview link needs a token header, which a URL cannot carry: its
      // signed preview URL holds the token itself.
      const url = await this.runtime.retrier.call(doing, 'idempotent', async () =>
        this.info.public
          ? (await sandbox.getPreviewLink(port)).url
          : (await sandbox.getSignedPreviewUrl(port, SIGNED_PREVIEW_SECONDS)).url,
      );
      out.push({ port, url });
    }
    return out;
  }

  async stop(): Promise<void> {
    const sandbox = await this.sandbox();
    if ((await this.status()) === 'stopped') return;
    await this.runtime.retrier.call(
      { action: 'stopping the sandbox', sandboxId: this.id },
      'idempotent',
      () => sandbox.stop(this.runtime.timeoutSeconds),
    );
  }

  async start(): Promise<void> {
    const sandbox = await this.sandbox();
    const status = await this.status();
    if (status === 'gone') throw this.gone();
    if (status === 'running') return;
    await this.runtime.retrier.call(
      { action: 'starting the sandbox', sandboxId: this.id },
      'idempotent',
      () => sandbox.start(this.runtime.timeoutSeconds),
    );
  }

  async destroy(): Promise<void> {
    const doing = { action: 'deleting the sandbox', sandboxId: this.id };
    try {
      await retrying(this.runtime, doing, 'idempotent', async () => {
        const sandbox = this.sdkSandbox ?? (await this.runtime.client.get(this.id));
        await sandbox.delete(this.runtime.timeoutSeconds);
      });
    } catch (error) {
      if (!isNotFound(error)) throw toAgentkernelError(error, doing);
    }
    this.destroyed = true;
    this.sdkSandbox = undefined;
  }

  /** Re-anchors Daytona's TTL (`setTtl`, minutes from now) at the new expiry; the ref does not change. */
  async setExpiry(expiresAt: string): Promise<SandboxRef> {
    const sandbox = await this.sandbox();
    const doing = { action: "moving the sandbox's TTL", sandboxId: this.id };
    try {
      await retrying(this.runtime, doing, 'idempotent', () => sandbox.setTtl(ttlMinutesUntil(expiresAt)));
    } catch (error) {
      if (isNotFound(error)) throw this.gone(error);
      throw toAgentkernelError(error, doing);
    }
    return this.ref;
  }

  async snapshot(name: string): Promise<NativeSnapshotHandle> {
    return takeSnapshot(this.runtime, await this.sandbox(), name);
  }

  async shell(options: ShellOptions = {}): Promise<number> {
    const sandbox = await this.sandbox();
    return openShell(this.runtime, sandbox, {
      ...options,
      cwd: this.resolve(options.cwd ?? '.'),
    });
  }
}
