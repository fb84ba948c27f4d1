import { Readable } from 'node:stream';
import {
  execOverText,
  getArchiveViaExec,
  putArchiveViaExec,
  RemoteSandbox,
  replayableBody,
  type Endpoint,
  type ExecOptions,
  type Doing,
  type ExecResult,
  type NativeSnapshotHandle,
  type Replay,
  type SandboxHandle,
  type SandboxRef,
  type SandboxStatus,
  type ShellOptions,
  type WriteFileOptions,
} from '@agentkernel/core';
import { downloadFile } from './download.js';
import { BACKEND, mayBeUnreachable, toAgentkernelError } from './errors.js';
import { commandApi } from './commands.js';
import { E2B_DEFAULT_TIMEOUT_MS, makeRef, refInfo, timeoutFor, type RefInfo } from './metadata.js';
import type { Runtime, SdkSandbox } from './runtime.js';
import { openShell } from './shell.js';
import { takeSnapshot } from './snapshots.js';

/** One E2B sandbox. Holds a connected SDK `Sandbox` once an operation needed one. */
export class E2BSandboxHandle extends RemoteSandbox<RefInfo> implements SandboxHandle {
  private sdkSandbox: SdkSandbox | undefined;

  constructor(
    private readonly runtime: Runtime,
    ref: SandboxRef,
    connected?: SdkSandbox,
  ) {
    super(BACKEND, ref, refInfo(ref));
    this.sdkSandbox = connected;
  }

  /** The connected SDK sandbox; connecting resumes a paused sandbox, as E2B's auto-resume would. */
  private async connected(): Promise<SdkSandbox> {
    if (this.destroyed) throw this.gone();
    if (this.sdkSandbox !== undefined) return this.sdkSandbox;
    const { sdk, connection } = this.runtime;
    const timeoutMs = timeoutFor(this.info);
    const timeout = timeoutMs === undefined ? {} : { timeoutMs };
    this.sdkSandbox = await this.runtime.retrier.call(
      { action: 'connecting to the sandbox', sandboxId: this.id },
      'idempotent',
      () => sdk.Sandbox.connect(this.id, { ...connection, ...timeout }),
    );
    return this.sdkSandbox;
  }

  /**
   * Runs an envd operation. When the sandbox's proxy says it cannot reach it, the sandbox is looked
   * up: gone becomes `SandboxGoneError`; paused (or reachable again) is reconnected and, unless the
   * request cannot be replayed, tried once more (the proxy answered, so the request never reached envd).
   */
  private async envd<T>(
    doing: Doing,
    replay: Replay,
    operation: (sandbox: SdkSandbox) => Promise<T>,
  ): Promise<T> {
    for (let round = 0; ; round += 1) {
      const sandbox = await this.connected();
      try {
        return await this.runtime.retrier.run(doing.action, replay, () => operation(sandbox));
      } catch (error) {
        if (round > 0 || !mayBeUnreachable(error)) throw toAgentkernelError(error, doing);
        if ((await this.status()) === 'gone') throw this.gone(error);
        this.sdkSandbox = undefined;
        if (replay === 'once') throw toAgentkernelError(error, doing);
      }
    }
  }

  async status(): Promise<SandboxStatus> {
    if (this.destroyed) return 'gone';
    const { sdk, connection } = this.runtime;
    try {
      const doing = { action: 'asking for the sandbox status', sandboxId: this.id };
      const info = await this.runtime.retrier.run(doing.action, 'idempotent', () =>
        sdk.Sandbox.getInfo(this.id, connection),
      );
      return info.state === 'paused' ? 'stopped' : 'running';
    } catch (error) {
      if ((error as Error).name === 'SandboxNotFoundError') return 'gone';
      throw toAgentkernelError(error, { action: 'asking for the sandbox status', sandboxId: this.id });
    }
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.run(argv, options, 'refused-only');
  }

  /**
   * Runs a command. Its start is retried only when the request was refused (`refused-only`): a
   * started command is never repeated, unless the caller knows it is harmless to (`idempotent`).
   */
  private async run(argv: readonly string[], options: ExecOptions, replay: Replay): Promise<ExecResult> {
    const doing = { action: `starting ${JSON.stringify(argv[0])}`, sandboxId: this.id };
    const api = commandApi((operation) => this.envd(doing, replay, operation));
    const cwd = this.resolve(options.cwd ?? '.');
    return this.guardExec(
      argv,
      options,
      () => execOverText(api, argv, { ...options, cwd }, { backend: BACKEND, sandboxId: this.id }),
      toAgentkernelError,
    );
  }

  async readFile(path: string): Promise<Buffer> {
    const target = this.resolve(path);
    return this.envd(
      { action: `reading ${target}`, sandboxId: this.id, path: target },
      'idempotent',
      async (sandbox) => {
        const chunks: Buffer[] = [];
        for await (const chunk of await downloadFile(
          this.runtime.sdk,
          sandbox,
          target,
          this.runtime.settings.requestTimeoutMs,
        )) {
          chunks.push(chunk as Buffer);
        }
        return Buffer.concat(chunks);
      },
    );
  }

  async writeFile(path: string, data: Uint8Array | Readable, options: WriteFileOptions = {}): Promise<void> {
    const target = this.resolve(path);
    const doing = { action: `writing ${target}`, sandboxId: this.id, path: target };
    // A small stream is read into memory so that its upload can be retried like a buffer's.
    const body = data instanceof Uint8Array ? data : await replayableBody(data);
    if (body instanceof Uint8Array) {
      const blob = new Blob([body]);
      await this.envd(doing, 'idempotent', (sandbox) =>
        sandbox.files.write(target, blob, { useOctetStream: true }),
      );
    } else {
      // A stream can be sent once only.
      const stream = Readable.toWeb(body) as ReadableStream<Uint8Array>;
      await this.envd(doing, 'once', (sandbox) =>
        sandbox.files.write(target, stream, { useOctetStream: true }),
      );
    }
    if (options.mode !== undefined) await this.chmod(target, options.mode);
  }

  private async chmod(target: string, mode: number): Promise<void> {
    const result = await this.run(['chmod', mode.toString(8), target], { cwd: '/' }, 'idempotent');
    if (result.exitCode !== 0) {
      throw toAgentkernelError(new Error(result.stderr.toString('utf8').trim()), {
        action: `setting the mode of ${target}`,
        sandboxId: this.id,
      });
    }
  }

  async removeFile(path: string): Promise<void> {
    const target = this.resolve(path);
    await this.removing(
      this.envd({ action: `removing ${target}`, sandboxId: this.id, path: target }, 'idempotent', (sandbox) =>
        sandbox.files.remove(target),
      ),
    );
  }

  async mkdir(path: string): Promise<void> {
    const target = this.resolve(path);
    await this.envd(
      { action: `creating directory ${target}`, sandboxId: this.id, path: target },
      'idempotent',
      (sandbox) => sandbox.files.makeDir(target),
    );
  }

  async putArchive(dir: string, archive: Readable): Promise<void> {
    await putArchiveViaExec(this, this.resolve(dir), archive);
  }

  async getArchive(dir: string, paths?: readonly string[]): Promise<Readable> {
    return getArchiveViaExec(this, this.resolve(dir), paths, (target) => this.download(target));
  }

  /** Opens a download of a sandbox file as a Node stream. */
  private async download(target: string): Promise<Readable> {
    return this.envd(
      { action: `downloading ${target}`, sandboxId: this.id, path: target },
      'idempotent',
      (sandbox) => downloadFile(this.runtime.sdk, sandbox, target, this.runtime.settings.requestTimeoutMs),
    );
  }

  async endpoints(ports: readonly number[]): Promise<Endpoint[]> {
    if (this.destroyed) throw this.gone();
    const { sdk, connection } = this.runtime;
    const config = new sdk.ConnectionConfig(connection);
    const domain = this.info.sandboxDomain ?? connection.domain;
    return ports.map((port) => ({ port, url: `https://${config.getHost(this.id, port, domain)}` }));
  }

  async stop(): Promise<void> {
    if (this.destroyed) throw this.gone();
    const { sdk, connection } = this.runtime;
    await this.runtime.retrier.call({ action: 'pausing the sandbox', sandboxId: this.id }, 'idempotent', () =>
      sdk.Sandbox.pause(this.id, connection),
    );
    this.sdkSandbox = undefined;
  }

  async start(): Promise<void> {
    this.sdkSandbox = undefined;
    await this.connected();
  }

  async destroy(): Promise<void> {
    const { sdk, connection } = this.runtime;
    await this.runtime.retrier.call({ action: 'killing the sandbox', sandboxId: this.id }, 'idempotent', () =>
      sdk.Sandbox.kill(this.id, connection),
    );
    this.destroyed = true;
    this.sdkSandbox = undefined;
  }

  /**
   * A new TTL end: E2B's timeout of a running sandbox is set to what a connect would now ask for
   * ({@link timeoutFor}), so an extension is not cut short by the old expiry, nor a shortened TTL
   * outlived. A paused sandbox gets it when it is resumed, from the returned ref.
   */
  async setExpiry(expiresAt: string): Promise<SandboxRef> {
    if (this.destroyed) throw this.gone();
    const info = { ...this.info, expiresAt };
    const status = await this.status();
    if (status === 'gone') throw this.gone();
    if (status === 'running') {
      const { sdk, connection } = this.runtime;
      const timeoutMs = timeoutFor(info) ?? E2B_DEFAULT_TIMEOUT_MS;
      await this.runtime.retrier.call(
        { action: "moving the sandbox's timeout", sandboxId: this.id },
        'idempotent',
        () => sdk.Sandbox.setTimeout(this.id, timeoutMs, connection),
      );
    }
    this.info = info;
    this.ref = makeRef(this.id, info);
    return this.ref;
  }

  async snapshot(name: string): Promise<NativeSnapshotHandle> {
    const sandbox = await this.connected();
    return takeSnapshot(this.runtime, sandbox, name);
  }

  async shell(options: ShellOptions = {}): Promise<number> {
    const doing = { action: 'opening a terminal', sandboxId: this.id };
    return openShell((operation) => this.envd(doing, 'refused-only', operation), {
      ...options,
      cwd: this.resolve(options.cwd ?? '.'),
    });
  }
}
