import { providerSnapshotName, type NativeSnapshotHandle } from '@agentkernel/core';
import { BACKEND, toAgentkernelError } from './errors.js';
import type { Runtime, SdkSandbox } from './runtime.js';

/** Takes a native snapshot (E2B pauses the sandbox while it is captured) usable as a template. */
export async function takeSnapshot(
  runtime: Runtime,
  sandbox: SdkSandbox,
  name: string,
): Promise<NativeSnapshotHandle> {
  const { sdk, connection } = runtime;
  const e2bName = providerSnapshotName(name);
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
