// Drives `agentkernel-bridge` the way agentkernel's Rust CLI drives its bridge (`RemoteSandbox` in
// `src/backend/remote.rs`): one process per operation, `<bridge> <provider> <base64(JSON)>`, the request
// built from what it keeps (ids, merged metadata, revision, endpoints), every response applied as it
// applies them, and the same sequences: start = create|resume [+ restore] + push|pull, exec = push +
// exec + pull, stop = best-effort pull + stop, remove = destroy.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BRIDGE_BIN = fileURLToPath(new URL('../../packages/cli/dist/bridge/bin.js', import.meta.url));

export interface Endpoint {
  container_port: number;
  protocol: string;
  url: string;
}

export interface BridgeResponse {
  success: boolean;
  error?: string;
  remote_id?: string;
  remote_namespace?: string;
  remote_metadata?: Record<string, string>;
  workspace_revision?: string;
  endpoints?: Endpoint[];
  stdout?: string;
  stderr?: string;
  exit_code?: number;
  content_base64?: string;
  running?: boolean;
}

/** One bridge process as it ran: what agentkernel would have seen of it. */
export interface BridgeRun {
  readonly operation: string;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The one JSON line, parsed; undefined when stdout was not exactly one JSON line. */
  readonly response: BridgeResponse | undefined;
}

export interface SpawnOptions {
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

/** Runs the bridge once with raw arguments (hostile requests, usage). */
export function runBridgeProcess(args: readonly string[], options: SpawnOptions): Promise<BridgeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BRIDGE_BIN, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      let response: BridgeResponse | undefined;
      const lines = stdout.split('\n');
      if (lines.length === 2 && lines[1] === '') {
        try {
          response = JSON.parse(lines[0] ?? '') as BridgeResponse;
        } catch {
          response = undefined;
        }
      }
      const operation = String(args[1] ?? '');
      resolve({ operation, code, stdout, stderr: Buffer.concat(err).toString('utf8'), response });
    });
  });
}

export interface StartConfig {
  readonly image: string;
  readonly vcpus: number;
  readonly memory_mb: number;
  readonly network: boolean;
  readonly read_only: boolean;
  readonly env: Record<string, string>;
  readonly ports: readonly { host_port: number | null; container_port: number; protocol: 'tcp' | 'udp' }[];
}

/** agentkernel's `SandboxConfig` defaults for a remote sandbox. */
export const DEFAULT_START: StartConfig = {
  image: 'alpine:3.24',
  vcpus: 1,
  memory_mb: 512,
  network: true,
  read_only: false,
  env: {},
  ports: [],
};

export interface DriverOptions extends SpawnOptions {
  readonly provider: string;
  readonly name: string;
  /** The project folder kept in step with `/workspace` (mount_cwd); none skips every sync. */
  readonly localWorkspace?: string;
  /** Every bridge run is appended here, for checks over all of them (a secret in any output). */
  readonly log?: BridgeRun[];
}

/** Thrown where agentkernel's `bail!` would be: a failed bridge process or a `success: false`. */
export class BridgeFailure extends Error {
  constructor(
    message: string,
    readonly run: BridgeRun,
  ) {
    super(message);
  }
}

type Request = Record<string, unknown>;

/** One sandbox as agentkernel's `RemoteSandbox` keeps it, with its operations. */
export class AgentkernelDriver {
  remoteId: string | undefined;
  remoteNamespace: string | undefined;
  remoteMetadata: Record<string, string> = {};
  workspaceRevision: string | undefined;
  endpoints: Endpoint[] = [];
  running = false;
  readonly options: DriverOptions;

  constructor(options: DriverOptions) {
    this.options = options;
  }

  /** agentkernel's `new_request`: empty fields are omitted, as its serde attributes do. */
  newRequest(operation: string): Request {
    const request: Request = { operation, sandbox_name: this.options.name };
    if (this.remoteId !== undefined) request.remote_id = this.remoteId;
    if (this.remoteNamespace !== undefined) request.remote_namespace = this.remoteNamespace;
    if (Object.keys(this.remoteMetadata).length > 0) request.remote_metadata = { ...this.remoteMetadata };
    if (this.workspaceRevision !== undefined) request.workspace_revision = this.workspaceRevision;
    if (this.endpoints.length > 0) request.endpoints = [...this.endpoints];
    return request;
  }

  /** agentkernel's `apply_response`. */
  applyResponse(response: BridgeResponse): void {
    if (response.remote_id !== undefined) this.remoteId = response.remote_id;
    if (response.remote_namespace !== undefined) this.remoteNamespace = response.remote_namespace;
    Object.assign(this.remoteMetadata, response.remote_metadata ?? {});
    if (response.workspace_revision !== undefined) this.workspaceRevision = response.workspace_revision;
    if ((response.endpoints ?? []).length > 0) this.endpoints = [...(response.endpoints ?? [])];
    else if (response.running === false) this.endpoints = [];
    if (response.running !== undefined) {
      this.running = response.running;
      this.remoteMetadata.last_known_status = response.running ? 'running' : 'stopped';
    }
  }

  /** agentkernel's `RemoteBridgeClient::request`: one process, one JSON line, failures as errors. */
  async request(request: Request): Promise<BridgeResponse> {
    const payload = Buffer.from(JSON.stringify(request)).toString('base64');
    const run = await runBridgeProcess([this.options.provider, payload], this.options);
    const logged = { ...run, operation: String(request.operation) };
    this.options.log?.push(logged);
    if (run.code !== 0)
      throw new BridgeFailure(
        `Remote bridge request failed for ${this.options.provider}: ${(run.stderr.trim() || run.stdout.trim()).slice(-2000)}`,
        logged,
      );
    if (run.response === undefined)
      throw new BridgeFailure(`the bridge printed more or less than one JSON line:\n${run.stdout}`, logged);
    if (!run.response.success)
      throw new BridgeFailure(`${this.options.provider} backend error: ${run.response.error}`, logged);
    return run.response;
  }

  async #applied(request: Request): Promise<BridgeResponse> {
    const response = await this.request(request);
    this.applyResponse(response);
    return response;
  }

  async syncPush(): Promise<void> {
    if (this.options.localWorkspace === undefined) return;
    await this.#applied({
      ...this.newRequest('sync_push'),
      local_path: this.options.localWorkspace,
      path: '/workspace',
    });
  }

  async syncPull(): Promise<void> {
    if (this.options.localWorkspace === undefined) return;
    await this.#applied({
      ...this.newRequest('sync_pull'),
      local_path: this.options.localWorkspace,
      path: '/workspace',
    });
  }

  /** `start`: create (or resume), restore a pending snapshot, then push (or pull after a restore). */
  async start(config: StartConfig = DEFAULT_START): Promise<BridgeResponse> {
    const restoring = this.remoteMetadata.restore_snapshot;
    const response = await this.#applied({
      ...this.newRequest(this.remoteId === undefined ? 'create' : 'resume'),
      ...(config.image.trim() === '' ? {} : { profile: config.image }),
      image: config.image,
      vcpus: config.vcpus,
      memory_mb: config.memory_mb,
      network: config.network,
      read_only: config.read_only,
      ...(Object.keys(config.env).length > 0 ? { env: config.env } : {}),
      ...(config.ports.length > 0 ? { ports: config.ports } : {}),
      path: '/workspace',
    });
    if (restoring !== undefined) {
      await this.#applied({ ...this.newRequest('restore'), snapshot_name: restoring });
      delete this.remoteMetadata.restore_snapshot;
      await this.syncPull();
    } else {
      await this.syncPush();
    }
    this.running = true;
    this.remoteMetadata.last_known_status = 'running';
    return response;
  }

  /** `exec_with_options`: push, exec, pull. */
  async exec(
    command: readonly string[],
    options: { env?: Record<string, string>; workdir?: string } = {},
  ): Promise<{ exit_code: number; stdout: string; stderr: string }> {
    await this.syncPush();
    const response = await this.#applied({
      ...this.newRequest('exec'),
      command,
      ...(options.workdir === undefined ? {} : { workdir: options.workdir }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    await this.syncPull();
    return {
      exit_code: response.exit_code ?? -1,
      stdout: response.stdout ?? '',
      stderr: response.stderr ?? '',
    };
  }

  /** `stop`: a best-effort pull, then stop. */
  async stop(): Promise<void> {
    await this.syncPull().catch(() => undefined);
    await this.#applied(this.newRequest('stop'));
    this.running = false;
    this.remoteMetadata.last_known_status = 'stopped';
  }

  /** `remove`: destroy. */
  async remove(): Promise<void> {
    await this.#applied(this.newRequest('destroy'));
    this.running = false;
  }

  async writeFile(path: string, content: Uint8Array): Promise<void> {
    await this.#applied({
      ...this.newRequest('write_file'),
      path,
      content_base64: Buffer.from(content).toString('base64'),
    });
  }

  async readFile(path: string): Promise<Buffer> {
    const response = await this.#applied({ ...this.newRequest('read_file'), path });
    if (response.content_base64 === undefined) throw new Error('Remote backend returned no file content');
    return Buffer.from(response.content_base64, 'base64');
  }

  async removeFile(path: string): Promise<void> {
    await this.#applied({ ...this.newRequest('remove_file'), path });
  }

  async mkdir(path: string, recursive: boolean): Promise<void> {
    await this.#applied({ ...this.newRequest('mkdir'), path, recursive });
  }

  async status(): Promise<BridgeResponse> {
    return this.#applied(this.newRequest('status'));
  }

  /** `snapshot.rs`: the handle comes back as `remote_metadata.snapshot_handle`. */
  async snapshot(name: string): Promise<string> {
    const response = await this.#applied({ ...this.newRequest('snapshot'), snapshot_name: name });
    const handle = response.remote_metadata?.snapshot_handle;
    if (handle === undefined) throw new Error('snapshot returned no remote_metadata.snapshot_handle');
    return handle;
  }

  /** `snapshot.rs` delete: `snapshot_name` is the handle. */
  async deleteSnapshot(handle: string): Promise<void> {
    await this.request({ ...this.newRequest('delete_snapshot'), snapshot_name: handle });
  }

  /** A new sandbox that restores `handle` on its next `start` (agentkernel's snapshot restore). */
  restored(name: string, handle: string): AgentkernelDriver {
    const driver = new AgentkernelDriver({ ...this.options, name });
    driver.remoteMetadata.restore_snapshot = handle;
    return driver;
  }
}
