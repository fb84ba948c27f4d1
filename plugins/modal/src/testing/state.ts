import { createHash, randomBytes } from 'node:crypto';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createSandboxFolders, type SandboxLayout } from '@agentkernel/fake-kit';
import type { FakeExec } from './exec.js';

/** A Modal sandbox is a container whose user is root; these folders persist across its commands. */
export const MODAL_LAYOUT: SandboxLayout = {
  writable: ['/workspace', '/root', '/tmp', '/opt', '/home', '/srv', '/mnt'],
  home: '/root',
  user: 'root',
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `<prefix>-<n base62 characters>`, Modal's object id shape (`ap-`, `im-`, `ta-`, ...). */
export function objectId(prefix: string, length = 22): string {
  let out = '';
  for (const byte of randomBytes(length)) out += BASE62[byte % BASE62.length];
  return `${prefix}-${out}`;
}

/**
 * A V2 sandbox id. The SDK treats `sb-` plus exactly 22 base62 characters as a V1 sandbox and
 * anything else as V2, so V2 ids carry a different prefix.
 */
export const sandboxId = (): string => objectId('sb2', 24);

/** GenericResult statuses the SDK reads (modal.client.GenericResult.GenericStatus). */
export const GenericStatus = { success: 1, failure: 2, terminated: 3, timeout: 4 } as const;

export interface FakeTunnel {
  readonly host: string;
  readonly port: number;
  readonly containerPort: number;
}

/** One sandbox of the fake. */
export interface FakeModalSandbox {
  readonly sandboxId: string;
  readonly taskId: string;
  readonly appId: string;
  readonly environmentName: string;
  readonly imageId: string;
  readonly name: string | undefined;
  tags: Record<string, string>;
  /** Environment of every command: the `env` secret sources of the create request. */
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string | undefined;
  /** Whether the sandbox may reach the network (its NetworkAccess is not BLOCKED). */
  readonly network: boolean;
  readonly tunnels: readonly FakeTunnel[];
  readonly timeoutSecs: number;
  readonly idleTimeoutSecs: number | undefined;
  readonly milliCpu: number;
  readonly memoryMb: number;
  /** Unix seconds. */
  readonly createdAt: number;
  lastActive: number;
  /** The router JWT this sandbox's commands must carry. */
  jwt: string;
  /** Set once the sandbox has finished (terminated or timed out). */
  result: { status: number; exitcode: number } | undefined;
  readonly root: string;
  readonly execs: Map<string, FakeExec>;
}

/** An image: a registry tag (an empty filesystem here) or a filesystem snapshot (a copy of a sandbox's folders). */
export interface FakeImage {
  readonly imageId: string;
  readonly dockerfileCommands: readonly string[];
  /** The snapshot's folders; absent for registry images. */
  readonly root: string | undefined;
}

export interface CreateSandbox {
  readonly appId: string;
  readonly environmentName: string;
  readonly image: FakeImage;
  readonly name: string | undefined;
  readonly tags: Record<string, string>;
  readonly env: Record<string, string>;
  readonly workdir: string | undefined;
  readonly network: boolean;
  readonly ports: readonly number[];
  readonly timeoutSecs: number;
  readonly idleTimeoutSecs: number | undefined;
  readonly milliCpu: number;
  readonly memoryMb: number;
  readonly jwt: string;
}

const now = (): number => Date.now() / 1000;

/** The apps, images and sandboxes of one fake, with their folders under `dataDir`. */
export class FakeModalState {
  readonly apps = new Map<string, string>();
  readonly images = new Map<string, FakeImage>();
  readonly sandboxes = new Map<string, FakeModalSandbox>();
  /** Tunnel host → sandbox and port, for the fake's edge. */
  readonly tunnelHosts = new Map<string, { sandboxId: string; containerPort: number }>();

  constructor(readonly dataDir: string) {}

  app(environmentName: string, appName: string, create: boolean): string | undefined {
    const key = `${environmentName}/${appName}`;
    let appId = this.apps.get(key);
    if (appId === undefined && create) {
      appId = objectId('ap');
      this.apps.set(key, appId);
    }
    return appId;
  }

  /** The image a Dockerfile builds: the same commands always give the same image, as Modal caches builds. */
  registryImage(dockerfileCommands: readonly string[]): FakeImage {
    const digest = createHash('sha256').update(JSON.stringify(dockerfileCommands)).digest();
    let id = 'im-';
    for (const byte of digest.subarray(0, 22)) id += BASE62[byte % BASE62.length];
    const existing = this.images.get(id);
    if (existing !== undefined) return existing;
    const image: FakeImage = { imageId: id, dockerfileCommands: [...dockerfileCommands], root: undefined };
    this.images.set(id, image);
    return image;
  }

  async create(request: CreateSandbox): Promise<FakeModalSandbox> {
    const id = sandboxId();
    const root = join(this.dataDir, 'sandboxes', id);
    // A snapshot image brings its folders; a registry image starts empty.
    if (request.image.root === undefined) await createSandboxFolders(root, MODAL_LAYOUT);
    else
      await cp(request.image.root, root, {
        recursive: true,
        verbatimSymlinks: true,
        preserveTimestamps: true,
      });
    const created = now();
    const sandbox: FakeModalSandbox = {
      sandboxId: id,
      taskId: objectId('ta'),
      appId: request.appId,
      environmentName: request.environmentName,
      imageId: request.image.imageId,
      name: request.name,
      tags: { ...request.tags },
      env: { ...request.env },
      workdir: request.workdir,
      network: request.network,
      tunnels: request.ports.map((containerPort) => {
        const host = `${randomBytes(6).toString('hex')}-${containerPort}.fake-modal.host`;
        this.tunnelHosts.set(host, { sandboxId: id, containerPort });
        return { host, port: 443, containerPort };
      }),
      timeoutSecs: request.timeoutSecs,
      idleTimeoutSecs: request.idleTimeoutSecs,
      milliCpu: request.milliCpu,
      memoryMb: request.memoryMb,
      createdAt: created,
      lastActive: created,
      jwt: request.jwt,
      result: undefined,
      root,
      execs: new Map(),
    };
    this.sandboxes.set(id, sandbox);
    return sandbox;
  }

  /** The sandbox, its timeouts applied first: a sandbox past its lifetime or idle timeout has finished. */
  async get(id: string): Promise<FakeModalSandbox | undefined> {
    const sandbox = this.sandboxes.get(id);
    if (sandbox === undefined || sandbox.result !== undefined) return sandbox;
    const at = now();
    const idle = sandbox.idleTimeoutSecs !== undefined && at - sandbox.lastActive > sandbox.idleTimeoutSecs;
    const busy = [...sandbox.execs.values()].some((exec) => exec.exit === undefined);
    if (at - sandbox.createdAt > sandbox.timeoutSecs || (idle && !busy)) {
      await this.finish(sandbox, GenericStatus.timeout);
    }
    return sandbox;
  }

  /** Ends a sandbox: its commands are killed and its folders removed; it stays listed as finished. */
  async finish(sandbox: FakeModalSandbox, status: number): Promise<void> {
    if (sandbox.result !== undefined) return;
    sandbox.result = { status, exitcode: status === GenericStatus.terminated ? 137 : 0 };
    for (const exec of sandbox.execs.values()) exec.kill();
    await Promise.all([...sandbox.execs.values()].map((exec) => exec.done));
    for (const tunnel of sandbox.tunnels) this.tunnelHosts.delete(tunnel.host);
    await rm(sandbox.root, { recursive: true, force: true });
  }

  /** Copies a running sandbox's folders into a new image. */
  async snapshot(sandbox: FakeModalSandbox): Promise<FakeImage> {
    const imageId = objectId('im');
    const root = join(this.dataDir, 'images', imageId);
    await cp(sandbox.root, root, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    const image: FakeImage = { imageId, dockerfileCommands: [], root };
    this.images.set(imageId, image);
    return image;
  }

  async deleteImage(image: FakeImage): Promise<void> {
    this.images.delete(image.imageId);
    if (image.root !== undefined) await rm(image.root, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    for (const sandbox of this.sandboxes.values()) for (const exec of sandbox.execs.values()) exec.kill();
    await Promise.all(
      [...this.sandboxes.values()].flatMap((sandbox) => [...sandbox.execs.values()].map((exec) => exec.done)),
    );
  }
}
