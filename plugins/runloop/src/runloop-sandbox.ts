import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import {
  RemoteSandbox,
  UsageError,
  type Doing,
  type Endpoint,
  type ExecOptions,
  type ExecResult,
  type NativeSnapshotHandle,
  type SandboxHandle,
  type SandboxRef,
  type SandboxStatus,
  type WriteFileOptions,
  execOverText,
  getArchiveViaExec,
  putArchiveViaExec,
  shellQuote,
  type Replay,
} from '@agentkernel/core';
import type { DevboxView } from '@runloop/api-client/resources/devboxes/devboxes';
import { commandApi } from './commands.js';
import { BACKEND, hasStatus, toAgentkernelError } from './errors.js';
import { refInfo, type RefInfo } from './metadata.js';
import type { Runtime } from './runtime.js';
import { takeSnapshot } from './snapshots.js';

type Status = DevboxView['status'];

/** How agentkernel sees each Runloop status. */
const STATUS: Record<Status, SandboxStatus> = {
  scheduled: 'starting',
  queued: 'starting',
  provisioning: 'starting',
  initializing: 'starting',
  running: 'running',
  suspending: 'stopped',
  suspended: 'stopped',
  resuming: 'starting',
  failure: 'gone',
  shutdown: 'gone',
};

// Moves the file uploaded to $1 to $2 (creating its folder) with mode $3: copied next to the target, then
// renamed over it, so the target is always the old file or the new one.
const PLACE_SCRIPT = String.raw`
d=$(dirname -- "$2") && mkdir -p -- "$d" && t="$d/.agentkernel-up-$$" &&
cp -- "$1" "$t" && chmod "$3" "$t" && mv -f -- "$t" "$2"; s=$?; rm -f -- "$1" "$t"; exit $s
`;

/** One Runloop devbox. */
export class RunloopSandboxHandle extends RemoteSandbox<RefInfo> implements SandboxHandle {
  constructor(
    private readonly runtime: Runtime,
    ref: SandboxRef,
  ) {
    super(BACKEND, ref, refInfo(ref));
  }

  private doing(action: string, path?: string): Doing {
    return { action, sandboxId: this.id, ...(path === undefined ? {} : { path }) };
  }

  /**
   * Runs a call on the devbox. When Runloop refuses it (a 4xx), the devbox is looked up: a gone one is
   * `SandboxGoneError`; a suspended one is resumed and the call made once more (nothing ran).
   */
  private async devbox<T>(doing: Doing, replay: Replay, operation: () => Promise<T>): Promise<T> {
    if (this.destroyed) throw this.gone();
    for (let round = 0; ; round += 1) {
      try {
        return await this.runtime.retrier.run(doing.action, replay, operation);
      } catch (error) {
        const refused = [400, 404, 409].some((status) => hasStatus(error, status));
        if (!refused) throw toAgentkernelError(error, doing);
        const status = await this.status();
        if (status === 'gone') throw this.gone(error);
        if (round > 0 || status !== 'stopped') throw toAgentkernelError(error, doing);
        await this.start();
      }
    }
  }

  private async view(): Promise<DevboxView> {
    const { client } = this.runtime;
    return this.runtime.retrier.call(this.doing('asking for the devbox status'), 'idempotent', () =>
      client.devboxes.retrieve(this.id),
    );
  }

  async status(): Promise<SandboxStatus> {
    if (this.destroyed) return 'gone';
    try {
      return STATUS[(await this.view()).status] ?? 'unknown';
    } catch (error) {
      if (hasStatus(error, 404)) return 'gone';
      throw error;
    }
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.guardExec(argv, options, () => this.run(argv, options), toAgentkernelError);
  }

  private async run(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    if (this.destroyed) throw this.gone();
    const cwd = this.resolve(options.cwd ?? '.');
    const streaming = options.onStdout !== undefined || options.onStderr !== undefined;
    const { stdin, ...rest } = options;
    // Runloop's stdin endpoint takes text and ends the command; stdin is uploaded as a file instead,
    // which the command reads from (and removes once opened).
    const input = stdin === undefined ? undefined : await this.uploadTemp(stdin);
    const command =
      input === undefined
        ? argv
        : ['sh', '-c', 'exec <"$1" && rm -f -- "$1" && shift && exec "$@"', 'sh', input, ...argv];
    const api = commandApi(this.runtime, this.id, streaming);
    // A refused start (a stopped or gone devbox) goes through the same checks as every other call.
    const guarded = {
      ...api,
      start: (script: string, io: Parameters<typeof api.start>[1]) =>
        this.devbox(this.doing(`starting ${JSON.stringify(argv[0])}`), 'once', () => api.start(script, io)),
    };
    return execOverText(guarded, command, { ...rest, cwd }, { backend: BACKEND, sandboxId: this.id });
  }

  /** Runs a short shell script (no output wanted) and fails with its stderr when it exits non-zero. */
  private async script(action: string, script: string, args: readonly string[]): Promise<void> {
    const result = await this.exec(['sh', '-c', script, 'sh', ...args], { cwd: '/' });
    if (result.exitCode !== 0) {
      const detail = result.stderr.toString('utf8').trim();
      throw toAgentkernelError(new Error(detail || `exit status ${result.exitCode}`), this.doing(action));
    }
  }

  /** Uploads bytes to a fresh file under /tmp; a stream is spooled to a local file first, so the upload can be retried. */
  private async uploadTemp(data: Uint8Array | Readable): Promise<string> {
    const { sdk, client } = this.runtime;
    const target = `/tmp/agentkernel-up-${randomUUID()}`;
    const doing = this.doing(`uploading ${target}`);
    if (data instanceof Uint8Array) {
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      await this.devbox(doing, 'idempotent', async () =>
        client.devboxes.uploadFile(this.id, { path: target, file: await sdk.toFile(bytes, 'upload') }),
      );
      return target;
    }
    const spoolDir = await mkdtemp(join(this.runtime.spoolDir, 'up-'));
    try {
      const spool = join(spoolDir, 'data');
      await pipeline(data, createWriteStream(spool, { mode: 0o600 }));
      await this.devbox(doing, 'idempotent', () =>
        client.devboxes.uploadFile(this.id, { path: target, file: createReadStream(spool) }),
      );
      return target;
    } finally {
      await rm(spoolDir, { recursive: true, force: true });
    }
  }

  async readFile(path: string): Promise<Buffer> {
    const target = this.resolve(path);
    const { client } = this.runtime;
    const response = await this.devbox(this.doing(`reading ${target}`, target), 'idempotent', async () => {
      const answer = await client.devboxes.downloadFile(this.id, { path: target });
      return Buffer.from(await answer.arrayBuffer());
    });
    return response;
  }

  /** Opens a download of a devbox file as a stream (for archives). */
  private async download(target: string): Promise<Readable> {
    const { client } = this.runtime;
    const answer = await this.devbox(this.doing(`downloading ${target}`, target), 'idempotent', () =>
      client.devboxes.downloadFile(this.id, { path: target }),
    );
    return answer.body === null ? Readable.from([]) : (answer.body as unknown as Readable);
  }

  async writeFile(path: string, data: Uint8Array | Readable, options: WriteFileOptions = {}): Promise<void> {
    const target = this.resolve(path);
    const uploaded = await this.uploadTemp(data);
    const mode = (options.mode ?? 0o644).toString(8);
    await this.script(`writing ${target}`, PLACE_SCRIPT, [uploaded, target, mode]);
  }

  async removeFile(path: string): Promise<void> {
    const target = this.resolve(path);
    await this.script(`removing ${target}`, 'rm -rf -- "$1"', [target]);
  }

  async mkdir(path: string): Promise<void> {
    const target = this.resolve(path);
    await this.script(`creating directory ${target}`, 'mkdir -p -- "$1"', [target]);
  }

  async putArchive(dir: string, archive: Readable): Promise<void> {
    await putArchiveViaExec(this, this.resolve(dir), archive);
  }

  async getArchive(dir: string, paths?: readonly string[]): Promise<Readable> {
    return getArchiveViaExec(this, this.resolve(dir), paths, (target) => this.download(target));
  }

  /**
   * Tunnel URLs, as the SDK's `getTunnelUrl` computes them: `https://<port>-<tunnel_key>.tunnel.<domain>`
   * (see `tunnel_domain`). The tunnel is open (no token), enabled on first use.
   */
  async endpoints(ports: readonly number[]): Promise<Endpoint[]> {
    const { client, settings } = this.runtime;
    let tunnel = (await this.devboxView()).tunnel;
    if (tunnel === undefined || tunnel === null) {
      const enable = (): Promise<DevboxView['tunnel']> =>
        client.devboxes.enableTunnel(this.id, { auth_mode: 'open' });
      tunnel = await this.devbox(this.doing('enabling a tunnel'), 'refused-only', enable).catch(
        async (error: unknown) => {
          // Lost answer or a concurrent enable: the devbox has its one tunnel now.
          const again = (await this.devboxView()).tunnel;
          if (again === undefined || again === null) throw error;
          return again;
        },
      );
    }
    const key = tunnel?.tunnel_key ?? '';
    return ports.map((port) => {
      const url = `https://${port}-${key}.tunnel.${settings.tunnelDomain}`;
      if (!URL.canParse(url))
        throw new UsageError(`the tunnel URL ${url} does not parse: set [remote.runloop] tunnel_domain`, {
          backend: BACKEND,
        });
      return { port, url };
    });
  }

  private async devboxView(): Promise<DevboxView> {
    if (this.destroyed) throw this.gone();
    const view = await this.view().catch((error: unknown) => {
      throw hasStatus(error, 404) ? this.gone(error) : error;
    });
    if (STATUS[view.status] === 'gone') throw this.gone();
    return view;
  }

  async stop(): Promise<void> {
    const { client } = this.runtime;
    const view = await this.devboxView();
    if (view.status === 'suspended') return;
    if (view.status !== 'suspending') {
      await this.devbox(this.doing('suspending the devbox'), 'idempotent', () =>
        client.devboxes.suspend(this.id),
      );
    }
    await this.runtime.retrier.call(this.doing('waiting for the devbox to suspend'), 'idempotent', () =>
      client.devboxes.awaitSuspended(this.id),
    );
  }

  async start(): Promise<void> {
    const { client } = this.runtime;
    const view = await this.devboxView();
    if (view.status === 'running') return;
    if (view.status === 'suspending') {
      await this.runtime.retrier.call(this.doing('waiting for the devbox to suspend'), 'idempotent', () =>
        client.devboxes.awaitSuspended(this.id),
      );
    }
    if (view.status === 'suspending' || view.status === 'suspended') {
      await this.runtime.retrier.call(this.doing('resuming the devbox'), 'idempotent', () =>
        client.devboxes.resume(this.id),
      );
    }
    await this.runtime.retrier.call(this.doing('waiting for the devbox to run'), 'idempotent', () =>
      client.devboxes.awaitRunning(this.id),
    );
  }

  async destroy(): Promise<void> {
    const { client } = this.runtime;
    try {
      await this.runtime.retrier.run('shutting the devbox down', 'idempotent', () =>
        client.devboxes.shutdown(this.id),
      );
    } catch (error) {
      // Already shut down (or never there): destroying again succeeds.
      if ((await this.status()) !== 'gone')
        throw toAgentkernelError(error, this.doing('shutting the devbox down'));
    }
    this.destroyed = true;
  }

  async snapshot(name: string): Promise<NativeSnapshotHandle> {
    await this.devboxView();
    return takeSnapshot(this.runtime, this.id, name);
  }

  /** For the backend's create: makes the workspace folder, with sudo when the devbox user cannot. */
  async prepareWorkspace(): Promise<void> {
    const dir = shellQuote(this.info.workspaceDir);
    await this.script(
      `creating ${this.info.workspaceDir}`,
      `mkdir -p -- ${dir} 2>/dev/null && [ -w ${dir} ] || { sudo -n mkdir -p -- ${dir} && sudo -n chown "$(id -u):$(id -g)" -- ${dir}; }`,
      [],
    );
  }
}
