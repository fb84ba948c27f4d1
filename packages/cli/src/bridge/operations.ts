import {
  AgentkernelError,
  BRIDGE_METADATA,
  ExitCode,
  optionalMethod,
  type BridgeOperation,
  type BridgeResponse,
  type SandboxSpec,
} from '@agentkernel/core';
import { createSandbox, destroySandbox } from '../runtime/lifecycle.js';
import { snapshotStore } from '../runtime/snapshots.js';
import { creationFor, type CreationFlags } from '../runtime/spec.js';
import { deleteSnapshot, restore, snapshot } from './snapshots.js';
import {
  connectSession,
  describeSandbox,
  forgetRevision,
  NATIVE_RESTORE_KEY,
  writeRevision,
  type Session,
} from './session.js';
import { archiveRevision, syncPull, syncPush } from './workspace.js';

/**
 * The image agentkernel sends when its config names none (`alpine:3.24`, `alpine:3.20` before): our
 * backends' own defaults (an E2B template, a Modal image) serve that case better than a literal alpine.
 */
const AGENTKERNEL_DEFAULT_IMAGES = new Set(['alpine:3.24', 'alpine:3.20']);

/** How agentkernel's start request maps onto the CLI's creation flags. */
async function creationFlags({ rt, request }: Session): Promise<CreationFlags> {
  const loaded = await rt.config();
  // agentkernel's `profile` is its image; it names one of ours only when such a table exists.
  const profile =
    request.profile !== undefined && loaded.config.remote.profiles[request.profile]
      ? request.profile
      : undefined;
  const image =
    request.image === undefined ||
    (AGENTKERNEL_DEFAULT_IMAGES.has(request.image) && loaded.config.sandbox.baseImage === undefined)
      ? undefined
      : request.image;
  return {
    ...(profile !== undefined ? { profile } : image !== undefined ? { image } : {}),
    ...(request.vcpus === undefined ? {} : { vcpus: request.vcpus }),
    ...(request.memory_mb === undefined ? {} : { memoryMb: request.memory_mb }),
    ...(request.network === undefined ? {} : { network: request.network }),
    ...(request.ports === undefined ? {} : { port: request.ports.map((port) => port.container_port) }),
    // agentkernel sends sync_push itself right after create.
    mountCwd: false,
  };
}

/** The native snapshot to start from, when agentkernel restores one this backend took natively. */
async function nativeStart(session: Session, backend: string): Promise<SandboxSpec['fromSnapshot']> {
  const handle = session.request.remote_metadata?.[BRIDGE_METADATA.restoreSnapshot];
  if (handle === undefined) return undefined;
  const manifest = await snapshotStore(session.rt)
    .read(handle)
    .catch(() => undefined);
  return manifest?.native?.backend === backend ? manifest.native : undefined;
}

async function create(session: Session): Promise<BridgeResponse> {
  const { rt, provider, request } = session;
  const name = request.sandbox_name;
  const loaded = await rt.config();
  const { plugin } = await rt.plugin(provider);
  const creation = creationFor(loaded, plugin.name, name, await creationFlags(session));
  const spec = { ...creation.spec, env: { ...creation.spec.env, ...request.env } };
  // agentkernel creates only what it holds no remote id for: a record of ours under the name is stale.
  const stale = await rt.state().readSandbox(name);
  if (stale) {
    rt.out.warn(
      `forgetting the bridge's record of an earlier sandbox ${name} (${stale.backend} ${stale.ref.id}); remove it at the provider if it still exists`,
    );
    await rt.state().removeSandbox(name);
    await forgetRevision(rt, name);
  }
  const base = { name, backend: plugin.name, creation: { ...creation, spec }, projectDir: rt.io.cwd };
  const fromSnapshot = plugin.capabilities.nativeSnapshots
    ? await nativeStart(session, plugin.name)
    : undefined;
  if (fromSnapshot) {
    try {
      const connected = await createSandbox(rt, { ...base, specExtras: { fromSnapshot } });
      const handle = request.remote_metadata?.[BRIDGE_METADATA.restoreSnapshot] as string;
      return await describeSandbox(session, connected, { remote_metadata: { [NATIVE_RESTORE_KEY]: handle } });
    } catch (error) {
      // A native snapshot the provider no longer has is no reason to fail: `restore` unpacks the portable copy.
      if (!AgentkernelError.isInstance(error) || error.code === 'USAGE') throw error;
      rt.out.warn(
        `starting from the native snapshot failed (${error.detail}); restore will unpack the portable copy`,
      );
    }
  }
  return describeSandbox(session, await createSandbox(rt, base));
}

/**
 * `resume`: starts a stopped sandbox again. One the provider no longer has (expired, or stopped on a
 * backend that cannot pause) is made again from its record, empty, and its revision reported, so
 * agentkernel's following `sync_push` fills it from the project folder instead of calling it a conflict.
 */
async function resume(session: Session): Promise<BridgeResponse> {
  const { rt, request } = session;
  const name = request.sandbox_name;
  const connected = await rt.state().withSandboxLock(name, async () => {
    const found = await connectSession(session);
    const status = await found.handle.status();
    if (status === 'running') return found;
    if (status !== 'gone' && found.backend.plugin.capabilities.pauseResume) {
      await found.handle.start();
      return found;
    }
    rt.out.warn(`${found.record.backend} no longer has sandbox ${found.handle.ref.id}; making ${name} again`);
    await found.handle.destroy().catch(() => undefined);
    await rt.state().removeSandbox(name);
    return undefined;
  });
  if (connected) return describeSandbox(session, connected);
  const remade = await createSandbox(rt, {
    name,
    backend: session.provider,
    creation: creationFor(await rt.config(), session.provider, name, await creationFlags(session)),
    projectDir: rt.io.cwd,
  });
  const revision = await archiveRevision(rt, await remade.handle.getArchive(remade.record.workspaceDir));
  await writeRevision(rt, name, revision);
  return describeSandbox(session, remade, { workspace_revision: revision });
}

async function status(session: Session): Promise<BridgeResponse> {
  return describeSandbox(session, await connectSession(session));
}

/**
 * `stop`: pauses the sandbox. A backend that cannot pause (Modal) terminates it, as agentkernel's own
 * bridge does; agentkernel has pulled the workspace first, and `resume` makes the sandbox again.
 */
async function stop(session: Session): Promise<BridgeResponse> {
  const { rt, request } = session;
  return rt.state().withSandboxLock(request.sandbox_name, async () => {
    const connected = await connectSession(session);
    if (connected.backend.plugin.capabilities.pauseResume) {
      await connected.handle.stop();
      return describeSandbox(session, connected);
    }
    await connected.handle.destroy();
    return {
      success: true,
      remote_id: connected.handle.ref.id,
      remote_metadata: { [BRIDGE_METADATA.lastKnownStatus]: 'stopped', sandbox_state: 'terminated' },
      running: false,
    };
  });
}

/** `destroy`: the sandbox at its provider and every record of it here. A sandbox already gone is fine. */
async function destroy(session: Session): Promise<BridgeResponse> {
  const { rt, request } = session;
  const name = request.sandbox_name;
  return rt.state().withSandboxLock(name, async () => {
    try {
      await destroySandbox(rt, await connectSession(session));
    } catch (error) {
      if (!AgentkernelError.isInstance(error) || error.exitCode !== ExitCode.notFound) throw error;
      await rt.state().removeSandbox(name);
    }
    await forgetRevision(rt, name);
    return {
      success: true,
      remote_id: request.remote_id as string,
      remote_metadata: { [BRIDGE_METADATA.lastKnownStatus]: 'stopped', sandbox_state: 'gone' },
      endpoints: [],
      running: false,
    };
  });
}

/**
 * `exec`: the command's exit code and output. agentkernel's `ExecResult` holds strings, so output is
 * UTF-8 text; bytes that are not UTF-8 become U+FFFD, as `String::from_utf8_lossy` would make them.
 */
async function exec(session: Session): Promise<BridgeResponse> {
  const { request } = session;
  const { handle, record } = await connectSession(session);
  const result = await handle.exec(request.command as string[], {
    env: { ...request.env },
    cwd: request.workdir ?? record.workspaceDir,
  });
  return {
    success: true,
    exit_code: result.exitCode,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr.toString('utf8'),
  };
}

async function writeFile(session: Session): Promise<BridgeResponse> {
  const { handle } = await connectSession(session);
  const { path, content_base64: content } = session.request;
  await handle.writeFile(path as string, Buffer.from(content as string, 'base64'));
  return { success: true };
}

async function readFile(session: Session): Promise<BridgeResponse> {
  const { handle } = await connectSession(session);
  const content = await handle.readFile(session.request.path as string);
  return { success: true, content_base64: content.toString('base64') };
}

async function removeFile(session: Session): Promise<BridgeResponse> {
  const { handle } = await connectSession(session);
  await handle.removeFile(session.request.path as string);
  return { success: true };
}

async function makeDir(session: Session): Promise<BridgeResponse> {
  const { handle } = await connectSession(session);
  await handle.mkdir(session.request.path as string);
  return { success: true };
}

/** `attach`: an interactive shell on the inherited terminal; resolves with the shell's exit code. */
export async function attach(session: Session): Promise<number> {
  const { request } = session;
  const { handle, record } = await connectSession(session);
  const shell = optionalMethod(record.backend, handle, 'shell', 'pty');
  return shell({
    cwd: request.workdir ?? record.workspaceDir,
    ...(request.env === undefined ? {} : { env: request.env }),
    ...(request.shell === undefined ? {} : { argv: [request.shell] }),
  });
}

/** Every operation that answers with one JSON line (all but `attach`). */
export const OPERATIONS: Readonly<
  Record<Exclude<BridgeOperation, 'attach'>, (session: Session) => Promise<BridgeResponse>>
> = {
  create,
  resume,
  status,
  stop,
  destroy,
  exec,
  write_file: writeFile,
  read_file: readFile,
  remove_file: removeFile,
  mkdir: makeDir,
  sync_push: syncPush,
  sync_pull: syncPull,
  snapshot,
  restore,
  delete_snapshot: deleteSnapshot,
};
