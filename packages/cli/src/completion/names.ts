import type { Io } from '../output/io.js';
import { Runtime } from '../runtime/runtime.js';
import { snapshotStore } from '../runtime/snapshots.js';
import type { NameSource } from './complete.js';

/**
 * Names for completion, from state files and discovery metadata (package.json files): no plugin module
 * or vendor SDK is imported, and a broken config or state folder completes nothing rather than printing
 * to the terminal the user is typing in.
 */
export function stateNames(io: Io): NameSource {
  const silent = { write: () => true };
  const runtime = new Runtime(
    { json: false, debug: false, quiet: true },
    { ...io, stdout: silent, stderr: silent },
  );
  return async (source) => {
    try {
      if (source === 'sandbox')
        return (await runtime.state().listSandboxes()).records.map((record) => record.name).sort();
      if (source === 'snapshot')
        return (await snapshotStore(runtime).list({ onInvalid: () => undefined })).map((m) => m.name).sort();
      return (await runtime.discovery()).plugins.map((candidate) => candidate.name).sort();
    } catch {
      return [];
    }
  };
}
