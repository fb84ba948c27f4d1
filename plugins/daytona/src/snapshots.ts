import { setTimeout as sleep } from 'node:timers/promises';
import { providerSnapshotName, type NativeSnapshotHandle } from '@agentkernel/core';
import { BACKEND, isNotFound, toAgentkernelError } from './errors.js';
import { retrying, type Runtime, type SdkSandbox } from './runtime.js';

const POLL_MS = 250;

/** Waits until the snapshot named `name` exists and is active; undefined when it does not exist. */
async function activeSnapshot(runtime: Runtime, name: string, deadline: number): Promise<string | undefined> {
  for (;;) {
    let found: { id: string; state: string } | undefined;
    try {
      found = await retrying(runtime, { action: `looking for snapshot ${name}` }, 'idempotent', () =>
        runtime.client.snapshot.get(name),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    if (found.state === 'active') return found.id;
    if (found.state === 'error' || found.state === 'build_failed')
      throw new Error(`snapshot ${name} failed (${found.state})`);
    if (Date.now() > deadline) throw new Error(`snapshot ${name} was not active in time (${found.state})`);
    await sleep(POLL_MS);
  }
}

/** Takes a native snapshot of the sandbox (usable to create sandboxes) and waits for it to be active. */
export async function takeSnapshot(
  runtime: Runtime,
  sandbox: SdkSandbox,
  name: string,
): Promise<NativeSnapshotHandle> {
  const snapshotName = providerSnapshotName(name);
  const deadline = Date.now() + runtime.timeoutSeconds * 10_000;
  const doing = { action: `taking snapshot ${JSON.stringify(name)}`, sandboxId: sandbox.id };
  let attempts = 0;
  try {
    await retrying(
      runtime,
      doing,
      'refused-only',
      async () => {
        attempts += 1;
        try {
          await sandbox.createSnapshot(snapshotName, runtime.timeoutSeconds * 10);
        } catch (error) {
          // A repeat after an answer that was lost: the first attempt made it.
          if (attempts === 1 || (error as { statusCode?: number }).statusCode !== 409) throw error;
        }
        return true;
      },
      {
        // A lost answer, or a failed wait for the sandbox to leave `snapshotting`: the name tells.
        recover: async () =>
          (await activeSnapshot(runtime, snapshotName, deadline)) === undefined ? undefined : true,
      },
    );
    const id = await activeSnapshot(runtime, snapshotName, deadline);
    if (id === undefined) throw new Error(`Daytona has no snapshot ${snapshotName} after taking it`);
    return { backend: BACKEND, id: snapshotName, metadata: { name, snapshotId: id, sandboxId: sandbox.id } };
  } catch (error) {
    throw toAgentkernelError(error, doing);
  }
}
