import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  extractArchive,
  pullWorkspace,
  pushWorkspace,
  syncStatus,
  workspaceRevision,
  type BridgeResponse,
  type SyncReport,
} from '@agentkernel/core';
import { ProgressBar } from '../output/progress.js';
import type { Connected, Runtime } from '../runtime/runtime.js';
import { describeReport, syncOptions } from '../runtime/workspace.js';
import {
  connectSession,
  describeSandbox,
  readRevision,
  withProject,
  writeRevision,
  type Session,
} from './session.js';

const SHOWN_PATHS = 10;

/** agentkernel's own conflict messages, so its users see what its bundled bridge would have said. */
function conflict(side: 'local' | 'remote', paths: readonly string[] = []): Error {
  const where = side === 'local' ? 'on this machine' : 'in the sandbox';
  const listed =
    paths.length === 0
      ? ''
      : ` (changed ${where}: ${paths.slice(0, SHOWN_PATHS).join(', ')}${paths.length > SHOWN_PATHS ? `, and ${paths.length - SHOWN_PATHS} more` : ''})`;
  return new Error(`workspace sync conflict: ${side} workspace changed since last sync${listed}`);
}

/** A scratch folder in the bridge's state folder (never /tmp), removed after `body`. */
async function withScratch<T>(rt: Runtime, body: (dir: string) => Promise<T>): Promise<T> {
  const root = join(rt.state().home, 'tmp');
  await mkdir(root, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(root, 'revision-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** agentkernel's `workspace_revision` of a gzip tar of a workspace, unpacked safely to compute it. */
export function archiveRevision(rt: Runtime, archive: Readable): Promise<string> {
  return withScratch(rt, async (dir) => {
    await extractArchive(archive, { root: dir, onSkip: () => undefined });
    return workspaceRevision(dir);
  });
}

/**
 * Refuses a push over a sandbox workspace that changed since the revision agentkernel holds. When the
 * bridge's sync manifest describes that revision, the sandbox listing says whether anything changed;
 * otherwise (state lost, another machine) the workspace itself is fetched and hashed.
 */
async function checkSandboxUnchanged(rt: Runtime, connected: Connected, known: string, bar: ProgressBar) {
  const name = connected.record.name;
  const manifest = rt.state().syncManifestFile(name);
  const described = (await readRevision(rt, name)) === known && (await exists(manifest));
  if (described) {
    const status = await syncStatus(syncOptions(rt, connected, bar));
    if (status.remoteChanged.length > 0) throw conflict('remote', status.remoteChanged);
    return;
  }
  const { handle, record } = connected;
  if ((await archiveRevision(rt, await handle.getArchive(record.workspaceDir))) !== known)
    throw conflict('remote');
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** One line on stderr (agentkernel shows it only on failure): what the sync moved. */
function note(rt: Runtime, report: SyncReport): void {
  rt.io.stderr.write(`agentkernel-bridge: sync_${report.direction} ${describeReport(report)}\n`);
}

/**
 * `sync_push`: the project folder to the sandbox, incrementally. agentkernel's rule: refused when the
 * sandbox's workspace changed since `workspace_revision`; then the local side wins.
 */
export function syncPush(session: Session): Promise<BridgeResponse> {
  const { rt, request } = session;
  const localPath = request.local_path as string;
  return rt.state().withSandboxLock(request.sandbox_name, async () => {
    const connected = withProject(await connectSession(session), localPath);
    const bar = new ProgressBar(rt.io.stderr, false);
    if (request.workspace_revision !== undefined)
      await checkSandboxUnchanged(rt, connected, request.workspace_revision, bar);
    const report = await pushWorkspace(syncOptions(rt, connected, bar, { prefer: 'local' }));
    note(rt, report);
    const revision = await workspaceRevision(localPath);
    await writeRevision(rt, request.sandbox_name, revision);
    return describeSandbox(session, connected, { workspace_revision: revision });
  });
}

/**
 * `sync_pull`: the sandbox's workspace back into the project folder, incrementally. agentkernel's rule:
 * refused when the project folder changed since `workspace_revision`; then the sandbox's side wins.
 */
export function syncPull(session: Session): Promise<BridgeResponse> {
  const { rt, request } = session;
  const localPath = request.local_path as string;
  return rt.state().withSandboxLock(request.sandbox_name, async () => {
    const connected = withProject(await connectSession(session), localPath);
    await mkdir(localPath, { recursive: true });
    if (
      request.workspace_revision !== undefined &&
      (await workspaceRevision(localPath)) !== request.workspace_revision
    )
      throw conflict('local');
    const bar = new ProgressBar(rt.io.stderr, false);
    const report = await pullWorkspace(syncOptions(rt, connected, bar, { prefer: 'remote' }));
    note(rt, report);
    const revision = await workspaceRevision(localPath);
    await writeRevision(rt, request.sandbox_name, revision);
    return describeSandbox(session, connected, { workspace_revision: revision });
  });
}
