import { UsageError } from '../errors/errors.js';
import { fitName } from '../names.js';
import type { SnapshotStore } from './store.js';

/** `<sandbox>-YYYYMMDD` in local time, shortened to stay a valid name. */
export function defaultSnapshotName(sandbox: string, date: Date = new Date()): string {
  const day = `${date.getFullYear()}${String(date.getMonth() + 1).padStart(2, '0')}${String(date.getDate()).padStart(2, '0')}`;
  return fitName(sandbox, `-${day}`);
}

/** `base` when the store has no such snapshot, else the first free `base-2`, `base-3`... */
export async function availableSnapshotName(store: SnapshotStore, base: string): Promise<string> {
  if (!(await store.has(base))) return base;
  for (let n = 2; n < 10_000; n++) {
    const candidate = fitName(base, `-${n}`);
    if (!(await store.has(candidate))) return candidate;
  }
  throw new UsageError(`no free snapshot name left after "${base}"`);
}
