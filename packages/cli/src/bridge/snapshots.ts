import { rm } from 'node:fs/promises';
import {
  availableSnapshotName,
  BRIDGE_METADATA,
  defaultSnapshotName,
  isValidSandboxName,
  restoreWorkspace,
  type BridgeResponse,
} from '@agentkernel/core';
import { deleteSandboxSnapshot, snapshotStore, takeSandboxSnapshot } from '../runtime/snapshots.js';
import {
  connectSession,
  describeSandbox,
  NATIVE_RESTORE_KEY,
  writeRevision,
  type Session,
} from './session.js';
import { archiveRevision } from './workspace.js';

/**
 * `snapshot`: a portable snapshot of `/workspace` in the bridge's store (plus a native one when the
 * backend has them). Its store name is the opaque handle agentkernel keeps as `snapshot_handle`.
 */
export async function snapshot(session: Session): Promise<BridgeResponse> {
  const { rt, request } = session;
  const name = request.sandbox_name;
  // Makes sure the bridge's record names the sandbox agentkernel means; the take then holds its lock.
  const connected = await connectSession(session);
  const asked = request.snapshot_name;
  const base = asked !== undefined && isValidSandboxName(asked) ? asked : defaultSnapshotName(name);
  const handleName = await availableSnapshotName(snapshotStore(rt), base);
  const manifest = await takeSandboxSnapshot(rt, { sandbox: name, name: handleName });
  return describeSandbox(session, connected, {
    remote_metadata: { [BRIDGE_METADATA.snapshotHandle]: manifest.name },
  });
}

/**
 * `restore`: agentkernel has just created the sandbox; this fills its workspace from the snapshot
 * (unless `create` already started it from the native copy) and reports the snapshot's revision, which
 * agentkernel's following `sync_pull` checks the project folder against.
 */
export function restore(session: Session): Promise<BridgeResponse> {
  const { rt, request } = session;
  const name = request.sandbox_name;
  const handleName = request.snapshot_name as string;
  return rt.state().withSandboxLock(name, async () => {
    const connected = await connectSession(session);
    const store = snapshotStore(rt);
    const manifest = await store.read(handleName);
    if (request.remote_metadata?.[NATIVE_RESTORE_KEY] !== handleName) {
      await restoreWorkspace({
        manifest,
        store,
        handle: connected.handle,
        workspaceDir: connected.record.workspaceDir,
      });
    }
    const revision = await archiveRevision(rt, await store.openArchive(handleName));
    // The sync manifest described the workspace before the restore: the next sync starts afresh.
    await rm(rt.state().syncManifestFile(name), { force: true });
    await writeRevision(rt, name, revision);
    return describeSandbox(session, connected, { workspace_revision: revision });
  });
}

/** `delete_snapshot`: the stored snapshot and its native copy. */
export async function deleteSnapshot({ rt, request }: Session): Promise<BridgeResponse> {
  await deleteSandboxSnapshot(rt, request.snapshot_name as string);
  return { success: true };
}
