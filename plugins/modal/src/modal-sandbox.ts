import { type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  BackendError,
  CapabilityUnsupportedError,
  getArchiveViaExec,
  putArchiveViaExec,
  RemoteSandbox,
  UsageError,
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
import type * as Modal from 'modal';
import { BACKEND, isUnavailable, meansGone, toAgentkernelError } from './errors.js';
import { killArgv, runCommand } from './exec.js';
import { attachShell } from './shell.js';
import { refInfo, type RefInfo } from './metadata.js';
import type { Runtime } from './runtime.js';

/** One Modal sandbox. Holds the SDK's `Sandbox` (cheap: it dials nothing until used). */
export class ModalSandboxHandle extends RemoteSandbox<RefInfo> implements SandboxHandle {
  constructor(
    private readonly runtime: Runtime,
    ref: SandboxRef,
    private readonly sandbox: Modal.Sandbox,
  ) {
    super(BACKEND, ref, refInfo(ref));
  }

  /** Runs an SDK call on this sandbox; a failure that means the sandbox is gone says so. */
  private async sdk<T>(
    doing: Omit<Doing, 'sandboxId'>,
    replay: Replay,
    operation: (sandbox: Modal.Sandbox) => Promise<T>,
  ): Promise<T> {
    if (this.destroyed) throw this.gone();
    return this.runtime.retrier.call({ ...doing, sandboxId: this.id }, replay, async () => {
      try {
        return await operation(this.sandbox);
      } catch (error) {
        // "Unavailable" may mean gone or just unreachable: the sandbox's status says which.
        if (isUnavailable(error) && (await this.status()) === 'gone') throw this.gone(error);
        throw error;
      }
    });
  }

  async status(): Promise<SandboxStatus> {
    if (this.destroyed) return 'gone';
    try {
      const code = await this.runtime.retrier.run('asking for the sandbox status', 'idempotent', () =>
        this.sandbox.poll(),
      );
      return code === null ? 'running' : 'gone';
    } catch (error) {
      if (meansGone(error)) return 'gone';
      throw toAgentkernelError(error, { action: 'asking for the sandbox status', sandboxId: this.id });
    }
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const target = {
      // Never repeated by us: the SDK retries a start with the same exec id, so a throttle it gives up on
      // may follow an earlier attempt that did start the command, and a new start would run it twice.
      start: (command: string[], params: Modal.SandboxExecParams & { mode: 'binary' }) =>
        this.sandbox.exec(command, params),
      writeStdin: (path: string, data: Uint8Array | Readable) => this.writeFile(path, data),
      kill: async (pidFile: string) => {
        const killer = await this.sandbox.exec(killArgv(pidFile), { mode: 'binary' }).catch(() => undefined);
        await killer?.wait().catch(() => undefined);
      },
    };
    return this.guardExec(
      argv,
      options,
      async () => {
        if (this.destroyed) throw this.gone();
        return runCommand(target, argv, this.resolve(options.cwd ?? '.'), options);
      },
      toAgentkernelError,
    );
  }

  async readFile(path: string): Promise<Buffer> {
    const target = this.resolve(path);
    const bytes = await this.sdk({ action: `reading ${target}`, path: target }, 'idempotent', (sandbox) =>
      sandbox.filesystem.readBytes(target),
    );
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async writeFile(path: string, data: Uint8Array | Readable, options: WriteFileOptions = {}): Promise<void> {
    const target = this.resolve(path);
    // The SDK's writeBytes takes the bytes whole; a stream is gathered first.
    const bytes = data instanceof Uint8Array ? data : await buffer(data);
    await this.sdk({ action: `writing ${target}`, path: target }, 'idempotent', (sandbox) =>
      sandbox.filesystem.writeBytes(bytes, target),
    );
    if (options.mode !== undefined) await this.chmod(target, options.mode);
  }

  private async chmod(target: string, mode: number): Promise<void> {
    const result = await this.exec(['chmod', mode.toString(8), target], { cwd: '/' });
    if (result.exitCode !== 0) {
      throw new BackendError(
        BACKEND,
        `setting the mode of ${target} in sandbox ${this.id} failed: ${result.stderr.toString('utf8').trim()}`,
      );
    }
  }

  async removeFile(path: string): Promise<void> {
    const target = this.resolve(path);
    await this.removing(
      this.sdk({ action: `removing ${target}`, path: target }, 'idempotent', (sandbox) =>
        sandbox.filesystem.remove(target, { recursive: true }),
      ),
    );
  }

  async mkdir(path: string): Promise<void> {
    const target = this.resolve(path);
    await this.sdk({ action: `creating directory ${target}`, path: target }, 'idempotent', (sandbox) =>
      sandbox.filesystem.makeDirectory(target, { createParents: true }),
    );
  }

  async putArchive(dir: string, archive: Readable): Promise<void> {
    await putArchiveViaExec(this, this.resolve(dir), archive);
  }

  async getArchive(dir: string, paths?: readonly string[]): Promise<Readable> {
    return getArchiveViaExec(this, this.resolve(dir), paths);
  }

  async endpoints(ports: readonly number[]): Promise<Endpoint[]> {
    const tunnels = await this.sdk({ action: 'looking up the tunnels' }, 'idempotent', (sandbox) =>
      sandbox.tunnels(),
    );
    return ports.map((port) => {
      const tunnel = tunnels[port];
      if (tunnel === undefined) {
        throw new UsageError(
          `port ${port} of sandbox ${this.id} has no tunnel: Modal opens ports only at create ([network] ports)`,
          { backend: BACKEND },
        );
      }
      return { port, url: tunnel.url };
    });
  }

  async stop(): Promise<void> {
    if (this.destroyed) throw this.gone();
    throw new CapabilityUnsupportedError(
      BACKEND,
      'pause and resume (Modal sandboxes cannot be stopped and resumed; remove destroys)',
    );
  }

  async start(): Promise<void> {
    if ((await this.status()) === 'gone') throw this.gone();
  }

  async destroy(): Promise<void> {
    try {
      await this.runtime.retrier.run('terminating the sandbox', 'idempotent', () => this.sandbox.terminate());
    } catch (error) {
      if (!meansGone(error))
        throw toAgentkernelError(error, { action: 'terminating the sandbox', sandboxId: this.id });
    }
    this.destroyed = true;
    this.sandbox.detach();
  }

  async snapshot(name: string): Promise<NativeSnapshotHandle> {
    const image = await this.sdk(
      { action: `snapshotting the filesystem as ${JSON.stringify(name)}` },
      'refused-only',
      (sandbox) => sandbox.snapshotFilesystem(),
    );
    return {
      backend: BACKEND,
      id: image.imageId,
      metadata: { name, sandbox: this.id, workspaceDir: this.info.workspaceDir },
    };
  }

  async shell(options: ShellOptions = {}): Promise<number> {
    return this.sdk({ action: 'attaching a shell' }, 'once', (sandbox) =>
      attachShell(sandbox, options, this.resolve(options.cwd ?? '.')),
    );
  }
}
