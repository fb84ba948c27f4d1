import {
  AgentkernelError,
  isExpired,
  isValidSandboxName,
  type Backend,
  type SandboxRecord,
  type SandboxRef,
} from '@agentkernel/core';
import { destroySandbox } from './lifecycle.js';
import { STATE_LABEL, stateLabelValue } from './owner.js';
import type { Runtime } from './runtime.js';

/**
 * What `sandbox gc` removes:
 * - `untracked`: a sandbox the backend lists as made by this state ({@link STATE_LABEL}) that no record
 *   here knows (its record was deleted, or a crash came between create and record);
 * - `expired`: a recorded sandbox whose TTL has passed;
 * - `gone`: a record whose sandbox the backend no longer has.
 */
export type LeftoverKind = 'untracked' | 'expired' | 'gone';

export interface Leftover {
  readonly kind: LeftoverKind;
  readonly backend: string;
  /** The agentkernel name: the record's, or the one the provider kept for an untracked sandbox. */
  readonly name: string | null;
  /** The provider's id of the sandbox. */
  readonly id: string;
  /** Why it is a leftover, for people. */
  readonly reason: string;
  /** The ref to destroy an untracked sandbox by. */
  readonly ref: SandboxRef;
}

/** A backend that was not asked, and why (no credentials, no list, a stub). */
export interface SkippedBackend {
  readonly backend: string;
  readonly reason: string;
}

export interface LeftoverScan {
  readonly leftovers: Leftover[];
  readonly skipped: SkippedBackend[];
  /** Records that could not be read or checked, as warnings. */
  readonly problems: string[];
}

export interface ScanOptions {
  /** The backends to look at; every discovered backend when absent. */
  readonly backends?: readonly string[];
  /**
   * Whether providers are asked (the status of every record, the sandboxes of every backend). Without,
   * only state and the `local` backend are read: expired records, and local leftovers.
   */
  readonly online: boolean;
}

const messageOf = (error: unknown): string =>
  AgentkernelError.isInstance(error) ? error.detail : String(error);

async function backendNames(rt: Runtime, options: ScanOptions): Promise<string[]> {
  if (options.backends !== undefined) return [...options.backends];
  const discovery = await rt.discovery();
  return discovery.plugins
    .filter((candidate) => candidate.status !== 'stub' && !candidate.problem)
    .map((candidate) => candidate.name);
}

async function openOrSkip(
  rt: Runtime,
  name: string,
  skipped: SkippedBackend[],
): Promise<Backend | undefined> {
  try {
    return await rt.backend(name);
  } catch (error) {
    skipped.push({ backend: name, reason: messageOf(error) });
    return undefined;
  }
}

/** The record's leftover kind, asking the provider only when `online` (or the backend is local). */
async function recordLeftover(
  rt: Runtime,
  record: SandboxRecord,
  ask: boolean,
): Promise<Leftover | undefined> {
  const base = { backend: record.backend, name: record.name, id: record.ref.id, ref: record.ref };
  if (isExpired(record)) return { ...base, kind: 'expired', reason: `TTL ended at ${record.expiresAt}` };
  if (!ask) return undefined;
  const backend = await rt.backend(record.backend);
  const handle = await backend.reconnect(record.ref);
  return (await handle.status()) === 'gone'
    ? { ...base, kind: 'gone', reason: `${record.backend} no longer has sandbox ${record.ref.id}` }
    : undefined;
}

/**
 * Finds what agentkernel left behind on the chosen backends (see {@link LeftoverKind}). It changes
 * nothing; a backend that cannot be opened or listed is skipped with the reason.
 */
export async function findLeftovers(rt: Runtime, options: ScanOptions): Promise<LeftoverScan> {
  const names = await backendNames(rt, options);
  const skipped: SkippedBackend[] = [];
  const { records, problems } = await rt.state().listSandboxes();
  const leftovers: Leftover[] = [];
  const opened = new Map<string, Backend>();
  for (const name of names) {
    const asks = options.online || name === 'local';
    if (!asks) {
      skipped.push({ backend: name, reason: 'not asked offline' });
      continue;
    }
    const backend = await openOrSkip(rt, name, skipped);
    if (backend !== undefined) opened.set(name, backend);
  }
  for (const record of records) {
    if (!names.includes(record.backend)) continue;
    try {
      const found = await recordLeftover(rt, record, opened.has(record.backend));
      if (found !== undefined) leftovers.push(found);
    } catch (error) {
      problems.push(`${record.name}: could not check it on ${record.backend}: ${messageOf(error)}`);
    }
  }
  const ours = { [STATE_LABEL]: stateLabelValue(rt.stateDir) };
  for (const [name, backend] of opened) {
    if (!backend.plugin.capabilities.list || backend.list === undefined) {
      skipped.push({ backend: name, reason: 'it cannot list its sandboxes' });
      continue;
    }
    let listed;
    try {
      listed = await backend.list({ labels: ours });
    } catch (error) {
      skipped.push({ backend: name, reason: `listing failed: ${messageOf(error)}` });
      continue;
    }
    const tracked = new Set(records.filter((r) => r.backend === name).map((r) => r.ref.id));
    for (const summary of listed) {
      if (tracked.has(summary.ref.id) || summary.status === 'gone') continue;
      leftovers.push({
        kind: 'untracked',
        backend: name,
        // A name the provider kept is only trusted as one (it names a lock file) when it is valid.
        name: summary.name !== undefined && isValidSandboxName(summary.name) ? summary.name : null,
        id: summary.ref.id,
        ref: summary.ref,
        reason: `made by this agentkernel${summary.createdAt ? ` at ${summary.createdAt}` : ''}, with no record here`,
      });
    }
  }
  return { leftovers, skipped, problems };
}

/**
 * Removes one leftover, re-checking it under its name's lock first (a create in progress writes its
 * record under that lock; an `extend-ttl` may have just moved the expiry). Says whether it was removed
 * or had stopped being a leftover.
 */
export async function removeLeftover(rt: Runtime, leftover: Leftover): Promise<'removed' | 'kept'> {
  const state = rt.state();
  const remove = async (): Promise<'removed' | 'kept'> => {
    const backend = await rt.backend(leftover.backend);
    if (leftover.kind === 'untracked') {
      const { records } = await state.listSandboxes();
      if (records.some((r) => r.backend === leftover.backend && r.ref.id === leftover.id)) return 'kept';
      await (await backend.reconnect(leftover.ref)).destroy();
      if (leftover.name !== null) await rt.audit({ type: 'sandbox_removed', name: leftover.name });
      return 'removed';
    }
    const name = leftover.name ?? '';
    const record = await state.readSandbox(name);
    if (record === undefined || record.ref.id !== leftover.id) return 'kept';
    if (leftover.kind === 'expired') {
      if (!isExpired(record)) return 'kept';
      await destroySandbox(rt, { record, backend, handle: await backend.reconnect(record.ref) });
      return 'removed';
    }
    await state.removeSandbox(name);
    await rt.audit({ type: 'sandbox_removed', name });
    return 'removed';
  };
  return leftover.name === null ? remove() : state.withSandboxLock(leftover.name, remove);
}
