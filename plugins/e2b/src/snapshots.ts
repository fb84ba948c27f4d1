import { randomBytes } from 'node:crypto';
import type { NativeSnapshotHandle } from '@agentkernel/core';
import { BACKEND, toAgentkernelError } from './errors.js';
import type { Runtime, SdkSandbox } from './runtime.js';

/**
 * The E2B snapshot name for an agentkernel snapshot name: lower-case letters, digits and dashes, with a
 * random suffix, so a retried create can find the snapshot a lost response had made (and only it).
 */
export function e2bSnapshotName(name: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'snapshot';
  return `ak-${slug}-${randomBytes(4).toString('hex')}`;
}

/** Takes a native snapshot (E2B pauses the sandbox while it is captured) usable as a template. */
export async function takeSnapshot(
  runtime: Runtime,
  sandbox: SdkSandbox,
  name: string,
): Promise<NativeSnapshotHandle> {
  const { sdk, connection } = runtime;
  const e2bName = e2bSnapshotName(name);
  const findExisting = async (): Promise<{ snapshotId: string; names: string[] } | undefined> => {
    const doing = { action: `looking for snapshot ${e2bName}`, sandboxId: sandbox.sandboxId };
    const page = await runtime.retrier.run(doing.action, 'idempotent', () =>
      sdk.Sandbox.listSnapshots({ ...connection, sandboxId: sandbox.sandboxId, name: e2bName }).nextItems(),
    );
    return page[0];
  };
  try {
    const info = await runtime.retrier.run(
      `taking snapshot ${e2bName}`,
      'refused-only',
      () => sandbox.createSnapshot({ ...connection, name: e2bName }),
      { recover: findExisting },
    );
    return {
      backend: BACKEND,
      id: info.snapshotId,
      metadata: { name, e2bName, sandboxId: sandbox.sandboxId, names: info.names.join(' ') },
    };
  } catch (error) {
    throw toAgentkernelError(error, {
      action: `taking snapshot ${JSON.stringify(name)}`,
      sandboxId: sandbox.sandboxId,
    });
  }
}
