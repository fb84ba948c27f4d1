import { randomBytes } from 'node:crypto';
import {
  BackendError,
  CapabilityUnsupportedError,
  extendedExpiry,
  UsageError,
  type SandboxHandle,
  type SandboxRecord,
  type SandboxSpec,
} from '@agentkernel/core';
import { STATE_LABEL, stateLabelValue } from './owner.js';
import type { Creation } from './spec.js';
import type { Connected, Runtime } from './runtime.js';

export interface CreateOptions {
  readonly name: string;
  readonly backend: string;
  readonly creation: Creation;
  /** The local folder kept in step with the workspace when `mountCwd`. */
  readonly projectDir: string;
  /** Leave the sandbox stopped (needs pause/resume). */
  readonly stopped?: boolean;
  /** Extra fields of the create spec (a native snapshot to start from). */
  readonly specExtras?: Partial<SandboxSpec>;
  readonly description?: string;
  /** Fills the new sandbox before it is reported (push the project, restore a snapshot). */
  readonly prepare?: (connected: Connected) => Promise<unknown>;
}

const BOOTSTRAP_ERROR_TAIL = 4096;

async function runBootstrap(handle: SandboxHandle, creation: Creation, rt: Runtime): Promise<void> {
  const profile = creation.profile;
  if (!profile) return;
  for (const [index, command] of profile.bootstrap.entries()) {
    rt.out.info(`bootstrap ${index + 1}/${profile.bootstrap.length}: ${command}`);
    let stderr = Buffer.alloc(0);
    const result = await handle.exec(['sh', '-c', command], {
      cwd: creation.spec.workspaceDir,
      onStderr: (chunk) => {
        rt.out.debug(Buffer.from(chunk).toString('utf8').trimEnd());
        // Only the end is reported, so only the end is kept, whatever the command prints.
        stderr = Buffer.concat([stderr, chunk]).subarray(-BOOTSTRAP_ERROR_TAIL);
      },
    });
    if (result.exitCode !== 0) {
      const tail = stderr.toString('utf8').trim().split('\n').slice(-5).join('\n');
      throw new BackendError(
        handle.ref.backend,
        `bootstrap command ${index + 1} of profile "${profile.name}" (${command}) exited with ${result.exitCode}${tail ? `:\n${tail}` : ''}`,
      );
    }
  }
}

/**
 * Creates a sandbox and records it, holding its lock: a second `create` of the same name waits, then
 * finds the record and fails. Anything that fails after the provider made the sandbox destroys it and
 * forgets it, so a failed create leaves neither an orphan nor a record.
 */
export async function createSandbox(rt: Runtime, options: CreateOptions): Promise<Connected> {
  const { name, creation } = options;
  const state = rt.state();
  return state.withSandboxLock(name, async () => {
    const existing = await state.readSandbox(name);
    if (existing) {
      throw new UsageError(`a sandbox named "${name}" already exists (on ${existing.backend})`, {
        hint: `pick another name, or remove it first: agentkernel sandbox remove ${name}`,
      });
    }
    const backend = await rt.backend(options.backend);
    if (options.stopped && !backend.plugin.capabilities.pauseResume) {
      throw new CapabilityUnsupportedError(backend.plugin.name, 'pause and resume (needed by --no-start)');
    }
    rt.out.debug(`creating ${name} on ${backend.plugin.name}`);
    const spec = { ...creation.spec, ...options.specExtras };
    const started = Date.now();
    const expiresAt =
      creation.ttlMs === undefined ? undefined : new Date(started + creation.ttlMs).toISOString();
    const handle = await backend.create({
      ...spec,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      labels: { ...spec.labels, [STATE_LABEL]: stateLabelValue(rt.stateDir) },
    });
    const now = new Date().toISOString();
    const record: SandboxRecord = {
      version: 1,
      name,
      backend: backend.plugin.name,
      ref: handle.ref,
      createdAt: now,
      updatedAt: now,
      ...(spec.image === undefined ? {} : { image: spec.image }),
      ...(spec.vcpus === undefined ? {} : { vcpus: spec.vcpus }),
      ...(spec.memoryMb === undefined ? {} : { memoryMb: spec.memoryMb }),
      network: spec.network,
      ports: [...spec.ports],
      workspaceDir: spec.workspaceDir,
      mountCwd: creation.mountCwd,
      ...(creation.mountCwd ? { projectDir: options.projectDir } : {}),
      ...(creation.profile ? { profile: creation.profile.name } : {}),
      ...(Object.keys(spec.labels).length === 0 ? {} : { labels: { ...spec.labels } }),
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(spec.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: spec.idleTimeoutMs }),
    };
    rt.knowSandbox(record);
    try {
      await state.writeSandbox(record);
      await runBootstrap(handle, creation, rt);
      await options.prepare?.({ record, backend, handle });
      if (options.stopped) await handle.stop();
    } catch (error) {
      await handle
        .destroy()
        .catch((cleanup: unknown) =>
          rt.out.warn(`could not destroy the half-made sandbox ${name}: ${String(cleanup)}`),
        );
      await state.removeSandbox(name);
      throw error;
    }
    await rt.audit({
      type: 'sandbox_created',
      name,
      image: spec.image ?? 'default',
      backend: record.backend,
      ...(record.labels ? { labels: record.labels } : {}),
    });
    return { record, backend, handle };
  });
}

/** Destroys a sandbox at its provider and forgets it (the caller holds its lock). */
export async function destroySandbox(rt: Runtime, connected: Connected): Promise<void> {
  await connected.handle.destroy();
  await rt.state().removeSandbox(connected.record.name);
  await rt.audit({ type: 'sandbox_removed', name: connected.record.name });
}

/** Starts a recorded sandbox under its lock; says whether it was running already. */
export async function startSandbox(rt: Runtime, name: string): Promise<'started' | 'already running'> {
  return rt.state().withSandboxLock(name, async () => {
    const { record, handle } = await rt.connect(name);
    if ((await handle.status()) === 'running') return 'already running';
    await handle.start();
    await rt.audit({ type: 'sandbox_started', name, profile: record.profile ?? null });
    return 'started';
  });
}

/** Stops a recorded sandbox under its lock; says whether its files are kept (pause and resume). */
export async function stopSandbox(rt: Runtime, name: string): Promise<{ filesKept: boolean }> {
  return rt.state().withSandboxLock(name, async () => {
    const { backend, handle } = await rt.connect(name, { expired: 'allow' });
    await handle.stop();
    await rt.audit({ type: 'sandbox_stopped', name });
    return { filesKept: backend.plugin.capabilities.pauseResume };
  });
}

/** A fresh name for the sandbox of one `run`: `run-YYYYMMDD-xxxxxx`. */
export function ephemeralName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `run-${day}-${randomBytes(3).toString('hex')}`;
}

/** Destroys the sandbox of a `run` once it is done; a failure is a warning naming the way to clean up. */
export async function discardSandbox(rt: Runtime, connected: Connected): Promise<void> {
  try {
    await rt.state().withSandboxLock(connected.record.name, () => destroySandbox(rt, connected));
  } catch (error) {
    rt.out.warn(
      `could not destroy ${connected.record.name}: ${String(error)}; remove it with: agentkernel sandbox remove ${connected.record.name} --force`,
    );
  }
}

/** What `PATCH /sandboxes/{name}` changes: labels replace the old ones, an empty description clears it. */
export interface SandboxChanges {
  readonly labels?: Readonly<Record<string, string>>;
  readonly description?: string;
}

/** Changes a sandbox's labels or description in state, under its lock. */
export async function updateSandbox(
  rt: Runtime,
  name: string,
  changes: SandboxChanges,
): Promise<SandboxRecord> {
  const state = rt.state();
  return state.withSandboxLock(name, async () => {
    const { labels: _labels, description: _description, ...record } = await state.requireSandbox(name);
    const labels = changes.labels ?? _labels ?? {};
    const description = changes.description ?? _description ?? '';
    const next: SandboxRecord = {
      ...record,
      ...(Object.keys(labels).length === 0 ? {} : { labels: { ...labels } }),
      ...(description === '' ? {} : { description }),
      updatedAt: new Date().toISOString(),
    };
    await state.writeSandbox(next);
    return next;
  });
}

/**
 * Moves a sandbox's expiry `byMs` later (from now when it has passed or there was none), under its
 * lock, and records it; `sandbox extend-ttl` and `POST /sandboxes/{name}/extend` both come here. A
 * backend that also ends sandboxes at their expiry (`setExpiry`, E2B) is told first, and its new ref
 * kept; if it cannot be told, nothing is recorded.
 */
export async function extendSandbox(rt: Runtime, name: string, byMs: number): Promise<SandboxRecord> {
  if (!(byMs > 0)) throw new UsageError('extend by more than 0 (e.g. --by 30m)');
  const state = rt.state();
  return state.withSandboxLock(name, async () => {
    const { record, handle } = await rt.connect(name, { expired: 'allow' });
    const expiresAt = extendedExpiry(record, byMs);
    const ref = handle.setExpiry === undefined ? record.ref : await handle.setExpiry(expiresAt);
    const next: SandboxRecord = { ...record, ref, expiresAt, updatedAt: new Date().toISOString() };
    await state.writeSandbox(next);
    return next;
  });
}
