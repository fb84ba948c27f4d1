import {
  pullWorkspace,
  pushWorkspace,
  SyncConflictError,
  UsageError,
  type SandboxRecord,
  type SyncOptions,
  type SyncReport,
} from '@agentkernel/core';
import { formatBytes, ProgressBar } from '../output/progress.js';
import type { Connected, Runtime } from './runtime.js';

/** Whether a command keeps this sandbox's workspace in step with its project folder. */
export function syncsProject(
  record: SandboxRecord,
  flag: boolean,
): record is SandboxRecord & { projectDir: string } {
  return flag && record.mountCwd && record.projectDir !== undefined;
}

/** The engine options for one sandbox; the caller adds direction-specific flags. */
export function syncOptions(
  rt: Runtime,
  connected: Connected,
  bar: ProgressBar,
  extra: Partial<SyncOptions> = {},
): SyncOptions {
  const { record, handle } = connected;
  if (record.projectDir === undefined) {
    throw new UsageError(
      `sandbox "${record.name}" keeps no project folder in step: it was created without mount_cwd`,
      {
        hint: 'create a sandbox with --mount-cwd (or [security] mount_cwd = true) to sync the project folder',
      },
    );
  }
  return {
    handle,
    localDir: record.projectDir,
    workspaceDir: record.workspaceDir,
    manifestFile: rt.state().syncManifestFile(record.name),
    onProgress: (progress) => bar.update(progress.phase, progress.bytesDone, progress.bytesTotal),
    onWarning: (message) => rt.out.warn(message),
    ...extra,
  };
}

export function describeReport(report: SyncReport): string {
  if (report.quick) return `nothing changed (quick check) in ${Math.round(report.durationMs)} ms`;
  const moved =
    report.direction === 'push'
      ? `${report.filesSent} file(s), ${formatBytes(report.bytesSent)} sent`
      : `${report.filesReceived} file(s), ${formatBytes(report.bytesReceived)} received`;
  const deleted = report.deleted > 0 ? `, ${report.deleted} deleted` : '';
  return `${report.dryRun ? 'would move' : 'moved'} ${moved}${deleted} in ${Math.round(report.durationMs)} ms`;
}

export interface SyncCall {
  /** Why the sync happens, for debug output (`exec`, `create`...). */
  readonly reason: string;
  /** The caller already holds the sandbox's lock (inside `createSandbox`). */
  readonly locked?: boolean;
}

async function sync(
  rt: Runtime,
  connected: Connected,
  direction: 'push' | 'pull',
  call: SyncCall,
): Promise<SyncReport> {
  const bar = new ProgressBar(rt.io.stderr, !rt.args.quiet && !rt.args.json);
  const run = async (): Promise<SyncReport> => {
    const options = syncOptions(rt, connected, bar);
    return direction === 'push' ? pushWorkspace(options) : pullWorkspace(options);
  };
  try {
    const report = await (call.locked ? run() : rt.state().withSandboxLock(connected.record.name, run));
    rt.out.debug(`${call.reason}: ${direction} ${describeReport(report)}`);
    return report;
  } catch (error) {
    // The engine's hint names a flag this command does not have; say which command settles it.
    if (SyncConflictError.isInstance(error)) {
      const name = connected.record.name;
      throw new SyncConflictError(error.paths, {
        backend: connected.record.backend,
        cause: error,
        hint: `keep your local copies with: agentkernel sync push ${name} --prefer local, or the sandbox's with: agentkernel sync pull ${name} --prefer remote; then rerun ${call.reason}`,
      });
    }
    throw error;
  } finally {
    bar.done();
  }
}

/** Pushes the project folder to the workspace, under the sandbox's lock. */
export function pushProject(rt: Runtime, connected: Connected, call: SyncCall): Promise<SyncReport> {
  return sync(rt, connected, 'push', call);
}

/** Pulls the workspace back into the project folder, under the sandbox's lock. */
export function pullProject(rt: Runtime, connected: Connected, call: SyncCall): Promise<SyncReport> {
  return sync(rt, connected, 'pull', call);
}
